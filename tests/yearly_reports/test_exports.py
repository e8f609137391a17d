"""The yearly report as files: the Word document read back with python-docx (header, fonts,
headings, prose, figures and the appendix table with the report's numbers) and the PDF read
back with pypdf."""

import unicodedata
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from .conftest import YEAR, good_model
from .test_api import url


def _prepare(data, api, unit, user):
    client = api(user)
    answer = client.put(
        url(unit),
        {
            "paragraphs": {
                "deployment": "Ban Thường vụ triển khai đến 100% cơ sở Đoàn.",
                "difficulties": "Thanh niên đi làm ăn xa.",
            },
            "number": "15",
            "date": "20/11/2027",
            "place": "Tân An",
            "signer_name": "Trần Văn Cường",
        },
    )
    assert answer.status_code == 200, answer.content
    return client


def _share(value: str) -> str:
    return value.replace(".", ",")


def test_the_word_document_opens_and_carries_the_appendix_table(data, api):
    client = _prepare(data, api, data.district, data.district_cadre)
    good_model(data.district, "Đoàn cơ sở 3 chủ động")
    answer = client.get(url(data.district, tail=".docx"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="bao-cao-nam-TN-TA-{YEAR}.docx"' in answer["Content-Disposition"]

    doc = Document(BytesIO(answer.content))
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "Times New Roman"

    head = " | ".join(cell.text for cell in doc.tables[0].rows[0].cells)
    for expected in (
        "TỈNH ĐOÀN THỬ NGHIỆM",
        "HUYỆN ĐOÀN TÂN AN",
        "Số: 15-BC/",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "Tân An, ngày 20 tháng 11 năm 2027",
    ):
        assert expected in head, expected
    text = "\n".join(p.text for p in doc.paragraphs)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "I. CÔNG TÁC TRIỂN KHAI, QUÁN TRIỆT" in headings
    assert "III. KHÓ KHĂN, HẠN CHẾ" in headings
    assert "3. Kết quả phân loại đoàn viên năm 2027" in headings
    for expected in (
        "BÁO CÁO",
        "Ban Thường vụ triển khai đến 100% cơ sở Đoàn.",
        "Thanh niên đi làm ăn xa.",
        "Đoàn cơ sở 3 chủ động",
        "Năm 2027 đã tổ chức 1 hoạt động, có 1 lượt đoàn viên tham gia (1 đoàn viên).",
        "PHỤ LỤC SỐ LIỆU",
    ):
        assert expected in text, expected
    foot = " | ".join(cell.text for cell in doc.tables[1].rows[0].cells)
    assert "T/M BAN THƯỜNG VỤ" in foot and "Trần Văn Cường" in foot

    # The appendix: the report's rows, the units under it numbered, then the total.
    report = client.get(f"/api/v1/units/{data.district.pk}/reports/{YEAR}").json()["rows"]
    table = doc.tables[-1]
    body = [[cell.text for cell in row.cells] for row in table.rows[3:]]
    expected_rows = report[1:] + report[:1]
    assert len(body) == len(expected_rows) == 3
    for n, (cells, row) in enumerate(zip(body, expected_rows, strict=True), start=1):
        total = n == len(body)
        assert cells[0] == ("" if total else str(n))
        assert cells[1] == ("Tổng cộng" if total else row["unit"]["name"])
        assert cells[2:6] == [
            str(row[k]) for k in ("total", "registered", "classified", "not_classified")
        ]
        levels = [row["levels"][k] for k in ("excellent", "good", "complete", "incomplete")]
        assert cells[6:] == [v for lv in levels for v in (str(lv["count"]), _share(lv["share"]))]
    # The district's total: 4 members, 3 registered (the commune's draft is not), 1 excellent.
    assert body[-1][2:8] == ["4", "3", "4", "0", "1", "25,00"]
    assert table.rows[0].cells[6].text == "Kết quả phân loại"


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_the_pdf_is_the_numbered_and_signed_document(data, api):
    client = _prepare(data, api, data.base, data.base_cadre)
    answer = client.get(url(data.base, tail=".pdf"))
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF")
    text = _pdf_text(answer.content)
    for expected in (
        "HUYỆN ĐOÀN TÂN AN",
        "ĐOÀN TRƯỜNG THPT TÂN AN",
        "Số: 15-BC/",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "BÁO CÁO",
        "Kết quả thực hiện Chương trình rèn luyện đoàn viên năm 2027",
        "có 1 lượt đoàn viên tham gia",
        "Ban Thường vụ triển khai đến 100% cơ sở Đoàn.",
        "T/M BAN THƯỜNG VỤ",
        "Trần Văn Cường",
        "PHỤ LỤC SỐ LIỆU",
        "Chi đoàn 12A1",
        "33,34",
        "1 / ",
    ):
        assert expected in text, expected
    # The print view is the same document.
    client.client.force_login(data.base_cadre)
    printed = client.client.get(f"/units/{data.base.pk}/yearly-report/{YEAR}/print/")
    assert printed.status_code == 200
    assert "Ban Thường vụ triển khai đến 100% cơ sở Đoàn." in printed.content.decode()
