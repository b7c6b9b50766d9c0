"""Evidence upload: allowed types and size only, with a clear Chinese message, and nothing saved otherwise."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rectification import services
from rectification.models import IssueEvidence, IssueStatus

from .factories import IssueFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def issue(rect):
    return IssueFactory(category=rect.category, status=IssueStatus.IN_PROGRESS, responsible_unit=rect.pinglu_unit)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()]


def test_unit_uploads_a_pdf_and_it_is_kept_with_who_and_when(issue, users, media):
    evidence = services.issue_evidence_add(
        issue=issue, user=users.unit_user, uploaded=SimpleUploadedFile("整改报告.pdf", PDF, "application/pdf")
    )
    assert evidence.original_name == "整改报告.pdf"
    assert evidence.uploaded_by == users.unit_user
    assert evidence.size == len(PDF)
    assert len(stored_files(media)) == 1


def test_wrong_file_type_is_refused_with_a_clear_message_and_nothing_saved(issue, users, media):
    with pytest.raises(ValidationError, match="类型不允许.*仅支持 PDF、JPG、PNG、DOCX、XLSX"):
        services.issue_evidence_add(
            issue=issue, user=users.unit_user, uploaded=SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/x-msdownload")
        )
    assert not IssueEvidence.objects.exists()
    assert stored_files(media) == []


def test_file_renamed_to_pdf_is_refused(issue, users, media):
    with pytest.raises(ValidationError, match="内容与扩展名"):
        services.issue_evidence_add(
            issue=issue, user=users.unit_user, uploaded=SimpleUploadedFile("假的.pdf", b"MZ\x90\x00 not a pdf")
        )
    assert not IssueEvidence.objects.exists()
    assert stored_files(media) == []


def test_oversized_file_is_refused_with_a_clear_message_and_nothing_saved(issue, users, media):
    big = PNG + b"\x00" * (services.EVIDENCE_MAX_BYTES + 1 - len(PNG))
    with pytest.raises(ValidationError, match="过大.*不能超过 10 MB"):
        services.issue_evidence_add(issue=issue, user=users.unit_user, uploaded=SimpleUploadedFile("现场.png", big))
    assert not IssueEvidence.objects.exists()
    assert stored_files(media) == []


def test_another_unit_cannot_upload_evidence(issue, rect, media):
    with pytest.raises(PermissionDenied):
        services.issue_evidence_add(issue=issue, user=rect.rsj_user, uploaded=SimpleUploadedFile("a.pdf", PDF))
    assert not IssueEvidence.objects.exists()


def test_upload_page_shows_the_chinese_error_and_saves_nothing(issue, users, client_for, media):
    client = client_for(users.unit_user)
    url = reverse("rectification:evidence_upload", args=[issue.pk])
    response = client.post(url, {"file": SimpleUploadedFile("表格.xls", b"\xd0\xcf\x11\xe0")}, follow=True)
    assert response.status_code == 200
    assert "类型不允许" in response.content.decode()
    assert not IssueEvidence.objects.exists()
    assert stored_files(media) == []

    response = client.post(url, {"file": SimpleUploadedFile("照片.png", PNG)}, follow=True)
    assert "已上传" in response.content.decode()
    assert IssueEvidence.objects.get().original_name == "照片.png"


def test_evidence_is_downloaded_only_inside_scope(issue, users, rect, client_for, media):
    evidence = services.issue_evidence_add(issue=issue, user=users.unit_user,
                                           uploaded=SimpleUploadedFile("整改报告.pdf", PDF))
    url = reverse("rectification:evidence_download", args=[issue.pk, evidence.pk])
    response = client_for(users.pinglu_reviewer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert client_for(users.xia_reviewer).get(url).status_code == 404
    assert client_for(rect.rsj_user).get(url).status_code == 404


def _zip(parts: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_pdf_html_polyglot_is_refused(issue, users, media):
    polyglot = PDF + b"<html><body><script>alert(document.cookie)</script></body></html>"
    with pytest.raises(ValidationError, match="网页脚本"):
        services.issue_evidence_add(issue=issue, user=users.unit_user,
                                    uploaded=SimpleUploadedFile("报告.pdf", polyglot, "application/pdf"))
    assert stored_files(media) == []


def test_zip_merely_named_docx_is_refused(issue, users, media):
    with pytest.raises(ValidationError, match="不是有效的 DOCX 文档"):
        services.issue_evidence_add(issue=issue, user=users.unit_user,
                                    uploaded=SimpleUploadedFile("报告.docx", _zip({"payload.exe": b"MZ"})))
    assert stored_files(media) == []


def test_real_docx_structure_is_accepted(issue, users, media):
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    evidence = services.issue_evidence_add(issue=issue, user=users.unit_user,
                                           uploaded=SimpleUploadedFile("报告.docx", docx))
    assert evidence.size == len(docx)


def test_xlsx_with_macros_is_refused(issue, users, media):
    xlsm = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"x"})
    with pytest.raises(ValidationError, match="含有宏"):
        services.issue_evidence_add(issue=issue, user=users.unit_user, uploaded=SimpleUploadedFile("表.xlsx", xlsm))


@pytest.mark.parametrize("debug", [False, True])
def test_media_files_are_not_served_by_url_to_anyone_whatever_debug_says(client, issue, users, media, settings,
                                                                           debug):
    import importlib

    from django.urls import clear_url_caches

    import yuncheng.urls

    settings.DEBUG = debug
    importlib.reload(yuncheng.urls)  # the URLconf as a start with this DEBUG would build it
    clear_url_caches()
    evidence = services.issue_evidence_add(
        issue=issue, user=users.unit_user, uploaded=SimpleUploadedFile("整改报告.pdf", PDF, "application/pdf"))
    url = "/" + settings.MEDIA_URL + evidence.file.name
    assert client.get(url).status_code == 404
    client.force_login(users.city_admin)
    assert client.get(url).status_code == 404
