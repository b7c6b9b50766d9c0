"""问题整改: the issue ledger (问题整改台账), supervision letters (督办函) and the 双交办 lists.

An issue is found (by an assessment, a screening, an inspection…), handed by the county reviewer to a
responsible unit (交办), rectified by that unit and closed (销号) only after verification by the county
reviewer or the city — never by the person who marked it rectified. Every status change is an
:class:`IssueTransition`. Overdue is computed from the deadline and the closed date for any date asked
about (``Issue.objects.overdue(on=...)``), never stored.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.lookups import StartsWith
from simple_history.models import HistoricalRecords

from villages.models import County, Village, city_code_of

ISSUE_NUMBER_REGEX = r"^[A-Z]{2,4}-[0-9]{4}-[0-9]{4,6}$"


class Aspect(models.Model):
    """问题方面 — the upper level of the two-level problem tree (editable reference data)."""

    AREA_LOOKUP = None

    name = models.CharField("问题方面", max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_national = models.BooleanField("国考方面", default=False, help_text="国家考核评估的四个方面之一")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "问题方面"
        verbose_name_plural = "问题方面"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Category(models.Model):
    """问题类别 — the lower level of the tree; each belongs to one aspect."""

    AREA_LOOKUP = None

    aspect = models.ForeignKey(Aspect, on_delete=models.PROTECT, related_name="categories", verbose_name="问题方面")
    name = models.CharField("问题类别", max_length=60)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_provincial = models.BooleanField(
        "省局通报问题", default=False, help_text="山西省乡村振兴局2023年通报指出的6项问题之一"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "问题类别"
        verbose_name_plural = "问题类别"
        ordering = ["aspect__sort_order", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["aspect", "name"], name="category_name_unique_in_aspect",
                violation_error_message="同一问题方面下类别名称不能重复",
            ),
        ]

    def __str__(self):
        return self.name


def _serving_areas(county_code: str) -> tuple[str, str]:
    """The areas whose units an issue of this county may be handed to: the county's own and its city's
    departments (in a province, not another city's)."""
    return county_code, city_code_of(county_code)


class ResponsibleUnitQuerySet(models.QuerySet):
    def serving(self, county_code: str) -> "ResponsibleUnitQuerySet":
        """The units an issue of this county may be handed to (:func:`_serving_areas`)."""
        return self.filter(area_code__in=_serving_areas(county_code))


class ResponsibleUnit(models.Model):
    """责任单位: a city department (no county) or a county's department or township that rectifies issues.

    Its users (role ``unit``) see and work on the issues assigned to the unit."""

    AREA_LOOKUP = None
    SCOPE_OWNER_LOOKUPS = {"unit": "users"}
    # Reference data of an area (its county, or its city for a city department): seen by everybody,
    # referable by the writers of that area and of the areas below it (a county's reviewer: the county's
    # units and the city's departments), changed only by the administrators of that area.
    REFERENCE_AREA_LOOKUP = "area_code"

    name = models.CharField("单位名称", max_length=100, unique=True)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="responsible_units",
        verbose_name="所属区县", help_text="留空为市直单位",
    )
    # The unit's own area: its county's code, or its city's for a city department — in a province the
    # county left empty does not say which city, and a letter to the unit belongs to that city.
    area_code = models.CharField(
        "所属区域代码", max_length=6, blank=True, db_index=True, help_text="区县单位为区县代码，市直单位为所在市代码",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="responsible_units", verbose_name="单位账号",
        help_text="角色为“责任单位”的用户",
    )
    history = HistoricalRecords()

    objects = ResponsibleUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        ordering = ["county_id", "name"]

    def __str__(self):
        return self.name

    def serves(self, county_code: str) -> bool:
        """Whether an issue of this county may be handed to the unit (:func:`_serving_areas`)."""
        return bool(self.area_code) and self.area_code in _serving_areas(county_code)

    def sync_area_code(self) -> None:
        """A county's unit lies in its county. A city department keeps the city it was given; on a
        one-city platform that can only be the platform's city."""
        from villages.models import PROVINCE_CODE, platform_area_code

        if self.county_id:
            self.area_code = self.county_id
        elif not self.area_code and platform_area_code() != PROVINCE_CODE:
            self.area_code = platform_area_code()

    def clean(self):
        from villages.models import SHANXI_CITIES, area_prefix, platform_area_code

        self.sync_area_code()
        if self.county_id:
            return
        if self.area_code not in SHANXI_CITIES or not self.area_code.startswith(area_prefix(platform_area_code())):
            raise ValidationError({"area_code": "市直单位须填写所在市的代码（如太原市 140100）"})

    def save(self, *args, **kwargs):
        self.sync_area_code()
        super().save(*args, **kwargs)


class IssueSource(models.TextChoices):
    NATIONAL_ASSESSMENT = "national", "国家考核评估反馈"
    PROVINCIAL_NOTICE = "provincial", "省乡村振兴局通报"
    CITY_SCREENING = "city", "市级排查"
    INSPECTION = "inspection", "暗访"
    MOCK_ASSESSMENT = "mock", "模拟国考"
    PETITION = "petition", "信访舆情"
    SUPERVISION = "supervision", "日常监督"


class IssueStatus(models.TextChoices):
    PENDING = "pending", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    RECTIFIED = "rectified", "已整改待核验"
    CLOSED = "closed", "已销号"


OPEN_STATUSES = (IssueStatus.PENDING, IssueStatus.IN_PROGRESS, IssueStatus.RECTIFIED)


class IssueQuerySet(models.QuerySet):
    def open(self):
        """Not yet closed (销号) — the current state."""
        return self.exclude(status=IssueStatus.CLOSED)

    def found_between(self, start: datetime.date, end: datetime.date):
        return self.filter(found_date__gte=start, found_date__lte=end)

    # ``prefix``: the path to the issue from another model's queryset (``"issue__"``).

    @staticmethod
    def closed_q(on: datetime.date, prefix: str = "") -> Q:
        """Rectified and closed (销号) by ``on``."""
        return Q(**{f"{prefix}closed_date__isnull": False, f"{prefix}closed_date__lte": on})

    @staticmethod
    def open_q(on: datetime.date, prefix: str = "") -> Q:
        """Still open on ``on``: not closed by then (整改中 as of that day)."""
        return Q(**{f"{prefix}closed_date__isnull": True}) | Q(**{f"{prefix}closed_date__gt": on})

    @staticmethod
    def overdue_q(on: datetime.date, prefix: str = "") -> Q:
        """Open on ``on`` (not closed by then) and past its deadline: the deadline day itself is not overdue."""
        return Q(**{f"{prefix}deadline__lt": on}) & IssueQuerySet.open_q(on, prefix)

    def overdue(self, *, on: datetime.date | None = None):
        return self.filter(self.overdue_q(on or datetime.date.today()))

    def with_overdue(self, *, on: datetime.date | None = None):
        """Annotate ``is_overdue`` (bool) as of ``on`` (default today)."""
        return self.annotate(
            is_overdue=Case(
                When(self.overdue_q(on or datetime.date.today()), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )


class Issue(models.Model):
    """一条问题 of the 问题整改台账."""

    AREA_LOOKUP = "area_code"
    SCOPE_OWNER_LOOKUPS = {"unit": "responsible_unit__users"}

    number = models.CharField(
        "问题编号", max_length=20, unique=True, help_text="如 YC-2023-0001",
        validators=[RegexValidator(ISSUE_NUMBER_REGEX, "问题编号格式应为 YC-2023-0001")],
    )
    source = models.CharField("问题来源", max_length=20, choices=IssueSource.choices, db_index=True)
    aspect = models.ForeignKey(Aspect, on_delete=models.PROTECT, related_name="issues", verbose_name="问题方面")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="issues", verbose_name="问题类别")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="issues", verbose_name="区县")
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="issues", verbose_name="行政村"
    )
    household = models.ForeignKey(
        "monitoring.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="issues",
        verbose_name="农户",
    )
    inspection = models.ForeignKey(
        "resident_teams.Inspection", on_delete=models.SET_NULL, null=True, blank=True, related_name="issues",
        verbose_name="来源暗访", help_text="暗访发现的问题：所属的那次暗访",
    )
    # The village's code if there is one, else the county's: what scoping filters by prefix.
    area_code = models.CharField("区域代码", max_length=12, db_index=True, editable=False)
    description = models.TextField("问题描述")
    responsible_unit = models.ForeignKey(
        ResponsibleUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="issues",
        verbose_name="责任单位",
    )
    responsible_person = models.CharField("责任人", max_length=50, blank=True)
    found_date = models.DateField("发现日期")
    deadline = models.DateField("整改时限")
    measures = models.TextField("整改措施", blank=True)
    completed_date = models.DateField("完成日期", null=True, blank=True)
    closed_date = models.DateField("销号日期", null=True, blank=True)
    status = models.CharField(
        "整改状态", max_length=20, choices=IssueStatus.choices, default=IssueStatus.PENDING, db_index=True
    )
    related = models.ManyToManyField("self", blank=True, verbose_name="举一反三关联问题")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    # Counted up by every save through the services (accounts.versioning: no lost updates).
    version = models.PositiveIntegerField("版本", default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = "整改问题"
        verbose_name_plural = "问题整改台账"
        ordering = ["number"]
        indexes = [
            models.Index(fields=["county", "status"], name="issue_county_status_idx"),
            models.Index(fields=["status", "deadline"], name="issue_status_deadline_idx"),
            models.Index(fields=["found_date"], name="issue_found_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("found_date")),
                name="issue_deadline_after_found",
                violation_error_message="整改时限不能早于发现日期",
            ),
            models.CheckConstraint(
                condition=Q(completed_date__isnull=True) | Q(completed_date__gte=models.F("found_date")),
                name="issue_completed_after_found",
                violation_error_message="完成日期不能早于发现日期",
            ),
            models.CheckConstraint(
                condition=(Q(status=IssueStatus.CLOSED) & Q(closed_date__isnull=False))
                | (~Q(status=IssueStatus.CLOSED) & Q(closed_date__isnull=True)),
                name="issue_closed_date_iff_closed",
                violation_error_message="已销号的问题须有销号日期，未销号的问题不能有销号日期",
            ),
            models.CheckConstraint(
                condition=Q(closed_date__isnull=True) | Q(completed_date__isnull=False),
                name="issue_closed_needs_completed",
                violation_error_message="销号前须有完成日期",
            ),
            models.CheckConstraint(
                condition=StartsWith(models.F("area_code"), models.F("county_id")),
                name="issue_area_in_county",
                violation_error_message="问题所在区域须在所属区县内",
            ),
        ]

    def __str__(self):
        return self.number

    def sync_area_code(self) -> None:
        """Keep the denormalised ``area_code`` equal to the village's code, else the county's."""
        self.area_code = self.village_id or self.county_id or ""

    def clean(self):
        self.sync_area_code()
        errors = {}
        if self.category_id and self.aspect_id and self.category.aspect_id != self.aspect_id:
            errors["category"] = f"问题类别“{self.category}”不属于问题方面“{self.aspect}”"
        if self.village_id and self.county_id and not self.village_id.startswith(self.county_id):
            errors["village"] = "行政村不在所选区县内"
        if self.household_id and self.household.village_id != self.village_id:
            errors["household"] = "农户须属于所选行政村"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.sync_area_code()
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status != IssueStatus.CLOSED

    def overdue_on(self, on: datetime.date) -> bool:
        return self.deadline < on and (self.closed_date is None or self.closed_date > on)


class TransitionAction(models.TextChoices):
    REGISTER = "register", "登记"
    ASSIGN = "assign", "交办"
    START = "start", "开始整改"
    RECTIFY = "rectify", "整改完成"
    VERIFY = "verify", "核验销号"
    RETURN = "return", "退回"


class IssueTransition(models.Model):
    """One step of an issue's workflow: who moved it from which status to which, when, and why."""

    AREA_LOOKUP = "issue__area_code"
    SCOPE_OWNER_LOOKUPS = {"unit": "issue__responsible_unit__users"}

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="transitions", verbose_name="问题")
    action = models.CharField("操作", max_length=20, choices=TransitionAction.choices)
    from_status = models.CharField("原状态", max_length=20, choices=IssueStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=IssueStatus.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("操作时间")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "整改流转记录"
        verbose_name_plural = "整改流转记录"
        ordering = ["issue_id", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=TransitionAction.RETURN) | ~Q(note=""),
                name="issue_transition_return_has_reason",
                violation_error_message="退回须说明理由",
            ),
        ]

    def __str__(self):
        return f"{self.issue_id} {self.get_action_display()}"


def evidence_upload_to(instance, filename):
    return f"rectification/evidence/{instance.issue_id}/{filename}"


class IssueEvidence(models.Model):
    """整改佐证材料: a file uploaded for an issue (type and size are checked by the service)."""

    AREA_LOOKUP = "issue__area_code"
    SCOPE_OWNER_LOOKUPS = {"unit": "issue__responsible_unit__users"}

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="evidence", verbose_name="问题")
    file = models.FileField("文件", upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小(字节)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改佐证材料"
        verbose_name_plural = "整改佐证材料"
        ordering = ["issue_id", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class SupervisionLetter(models.Model):
    """工作督办函: a numbered letter from the city to a county or a unit about a set of issues."""

    AREA_LOOKUP = "area_code"
    SCOPE_OWNER_LOOKUPS = {"unit": "addressee_unit__users"}

    number = models.CharField("督办函编号", max_length=40, unique=True, help_text="如 运巩督〔2023〕1号")
    title = models.CharField("标题", max_length=200, blank=True)
    issued_date = models.DateField("发函日期")
    addressee_county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="supervision_letters",
        verbose_name="受函区县",
    )
    addressee_unit = models.ForeignKey(
        ResponsibleUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="supervision_letters",
        verbose_name="受函单位",
    )
    # The addressed county's code, or the addressed unit's area (a city department's: its city's code, so
    # county users do not see it).
    area_code = models.CharField("区域代码", max_length=12, db_index=True, editable=False)
    issues = models.ManyToManyField(Issue, blank=True, related_name="letters", verbose_name="督办问题")
    content = models.TextField("督办事项", blank=True)
    reply_deadline = models.DateField("回复期限")
    reply_text = models.TextField("回复内容", blank=True)
    reply_date = models.DateField("回复日期", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="发函人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "工作督办函"
        verbose_name_plural = "工作督办函"
        ordering = ["-issued_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(addressee_county__isnull=False) & Q(addressee_unit__isnull=True))
                | (Q(addressee_county__isnull=True) & Q(addressee_unit__isnull=False)),
                name="letter_one_addressee",
                violation_error_message="督办函须发给一个区县或一个责任单位（二者选一）",
            ),
            models.CheckConstraint(
                condition=Q(reply_deadline__gte=models.F("issued_date")),
                name="letter_reply_deadline_after_issue",
                violation_error_message="回复期限不能早于发函日期",
            ),
            models.CheckConstraint(
                condition=Q(reply_date__isnull=True) | Q(reply_date__gte=models.F("issued_date")),
                name="letter_reply_after_issue",
                violation_error_message="回复日期不能早于发函日期",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def addressee(self):
        return self.addressee_county or self.addressee_unit

    def sync_area_code(self) -> None:
        """The addressee's own area: the county's code, or the addressed unit's (its county, or its city
        for a city department) — never a fixed city, which in a province would file a letter to 太原's
        department under 运城."""
        if self.addressee_county_id:
            self.area_code = self.addressee_county_id
        elif self.addressee_unit_id:
            self.area_code = self.addressee_unit.area_code
        else:
            self.area_code = ""

    def clean(self):
        self.sync_area_code()
        if self.addressee_unit_id and not self.area_code:
            raise ValidationError({"addressee_unit": f"受函单位“{self.addressee_unit}”未填写所在市，请先在责任单位中补全"})

    def save(self, *args, **kwargs):
        self.sync_area_code()
        super().save(*args, **kwargs)


class HandOver(models.Model):
    """双交办清单: one batch of issues the city handed to a county; each item names the unit the county
    handed it on to."""

    AREA_LOOKUP = "county_id"

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="handovers", verbose_name="区县")
    title = models.CharField("清单名称", max_length=200)
    handed_date = models.DateField("交办日期")
    issues = models.ManyToManyField(
        Issue, through="HandOverItem", related_name="handovers", verbose_name="交办问题"
    )
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "双交办清单"
        verbose_name_plural = "双交办清单"
        ordering = ["county_id", "-handed_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "title"], name="handover_title_unique_in_county",
                violation_error_message="同一区县的清单名称不能重复",
            ),
        ]

    def __str__(self):
        return f"{self.county} · {self.title}"


class HandOverItem(models.Model):
    """One issue of a 双交办 list, and the unit the county handed it on to (二次交办)."""

    AREA_LOOKUP = "handover__county_id"

    handover = models.ForeignKey(HandOver, on_delete=models.CASCADE, related_name="items", verbose_name="清单")
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="handover_items", verbose_name="问题")
    unit = models.ForeignKey(
        ResponsibleUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="handover_items",
        verbose_name="转交责任单位",
    )
    handed_on_date = models.DateField("转交日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "交办问题"
        verbose_name_plural = "交办问题"
        ordering = ["handover_id", "issue_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "issue"], name="handover_item_unique",
                violation_error_message="同一问题在一张清单中只能出现一次",
            ),
        ]

    def __str__(self):
        return f"{self.handover_id}:{self.issue_id}"

    def clean(self):
        if self.handover_id and self.issue_id and self.issue.county_id != self.handover.county_id:
            raise ValidationError({"issue": "交办问题须属于清单所在区县"})
