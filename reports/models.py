"""Models of the 报表 app: the record of a background export (large ledgers are written by a worker)."""

from django.conf import settings
from django.db import models


class ExportJob(models.Model):
    """后台导出任务: one report for one area and period, written by the job worker into MEDIA_ROOT.

    The web process keeps no state of its own: the page polls this row for progress and serves the
    file from the media store when it is done."""

    AREA_LOOKUP = "area_code"

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name="发起人"
    )
    report = models.CharField("报表", max_length=60)  # a report key, data_<kind> or records:<metric>
    area_code = models.CharField("区域代码", max_length=12)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已写行数", default=0)
    worker = models.CharField("后台进程", max_length=100, blank=True,
                              help_text="运行本任务的进程（主机名:进程号），任务开始时写入")
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True, help_text="运行中每秒左右更新")
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField("下载文件名", max_length=200, blank=True)
    error = models.TextField("错误信息", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="exportjob_user_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="exportjob_progress_le_100",
                violation_error_message="进度不能超过 100%",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="exportjob_quarter_1_4",
                violation_error_message="季度须为 1–4",
            ),
        ]

    def __str__(self):
        return self.filename or f"{self.report} {self.area_code} {self.year}Q{self.quarter}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ImportJob(models.Model):
    """后台导入任务: an upload too large to write inside a web request (more than 20,000 rows), written by
    the job worker after the user confirmed its preview. The page polls this row for progress; the
    uploaded file is deleted when the job ends, whatever the outcome."""

    AREA_LOOKUP = None  # an upload belongs to its user: the views filter by user before scoping

    Status = ExportJob.Status

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs", verbose_name="发起人"
    )
    kind = models.CharField("导入内容", max_length=20)
    path = models.CharField("上传文件", max_length=200, help_text="MEDIA_ROOT 下的相对路径，任务结束即删除")
    filename = models.CharField("原文件名", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    worker = models.CharField("后台进程", max_length=100, blank=True,
                              help_text="运行本任务的进程（主机名:进程号），任务开始时写入")
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True, help_text="运行中每秒左右更新")
    result = models.JSONField("结果", default=dict, blank=True, help_text="各类记录的新增/修改/不变数与错误列表")
    error = models.TextField("错误信息", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="importjob_progress_le_100",
                violation_error_message="进度不能超过 100%",
            ),
        ]

    def __str__(self):
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
