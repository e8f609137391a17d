"""Makes the spreadsheets of this folder, used by tests/members/test_import.py. Run it again
after changing it: `.venv/bin/python tests/members/import_files/make_files.py`.

Every person in these files is invented. The branches are those of the test world
(tests/conftest.py): "Chi đoàn 12A1" (TN-TA-THPT-12A1) and "Chi đoàn 12A2" of
"Đoàn trường THPT Tân An".
"""

import codecs
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
import xlwt

HERE = Path(__file__).resolve().parent
# Files made twice are the same: the creation time is fixed.
FIXED_TIME = datetime(2026, 1, 1)

# Columns of a plain file imported into the base union.
PLAIN = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CMND/CCCD", "Ngày vào Đoàn", "Chi đoàn"]


def workbook(name: str):
    book = xlsxwriter.Workbook(HERE / name)
    book.set_properties({"created": FIXED_TIME})
    return book, book.add_format({"num_format": "dd/mm/yyyy"})


def write_rows(sheet, first_row: int, rows: list[list], date_format) -> None:
    for r, values in enumerate(rows, start=first_row):
        for c, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write(r, c, value)


def plain(name: str, rows: list[list], header: list[str] = PLAIN) -> None:
    book, dates = workbook(name)
    sheet = book.add_worksheet("Đoàn viên")
    write_rows(sheet, 0, [header, *rows], dates)
    book.close()


def good() -> None:
    """Title rows (merged), a blank row, numbers that lost their zeros, Excel dates and text
    dates, a decomposed name, a formula, stray spaces, an unknown column, an empty row."""
    book, dates = workbook("good.xlsx")
    sheet = book.add_worksheet("Danh sách")
    title = book.add_format({"bold": True, "align": "center"})
    sheet.merge_range("A1:K1", "DANH SÁCH ĐOÀN VIÊN", title)
    sheet.merge_range("A2:K2", "Đoàn trường THPT Tân An", title)
    header = [
        "STT",
        "HỌ VÀ TÊN",
        "Ngày sinh (dd/mm/yyyy)",
        "Giới tính",
        "Số CMND/CCCD",
        "Ngay vao Doan",
        "Số điện thoại",
        "Chi đoàn",
        "Email",
        "Hội viên Hội LHTN",
        "Ghi chú thêm",
    ]
    write_rows(sheet, 3, [header], dates)
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Lan")
    write_rows(
        sheet,
        4,
        [
            [
                1,
                nfd,
                date(2008, 5, 12),
                "Nữ",
                38208001234,
                date(2024, 6, 1),
                912345678,
                "Chi đoàn 12A1",
                "Lan.Nguyen@Example.com",
                "Có",
                "lớp trưởng",
            ],
        ],
        dates,
    )
    sheet.write_number(5, 0, 2)
    sheet.write_formula(5, 1, '=CONCATENATE("Trần ","Văn Bình")', None, "Trần Văn Bình")
    write_rows(
        sheet,
        5,
        [
            [
                None,
                None,
                "03/04/2008",
                "nam",
                "038208001235",
                "26/03/2025",
                "0987 654 321",
                "TN-TA-THPT-12A2",
                "",
                "Không",
            ]
        ],
        dates,
    )
    # Row 7 is left empty.
    write_rows(
        sheet,
        7,
        [
            [
                3,
                "  Lê   Hoàng  Nam ",
                "  20/10/2008 ",
                "Nam",
                " 038208001236 ",
                date(2025, 1, 9),
                "",
                "chi doan 12a1",
            ]
        ],
        dates,
    )
    book.close()


NATIONAL_TOP = [
    "STT",
    "Họ và tên",
    "Mã đoàn viên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Địa chỉ thường trú",
    "CMND/CCCD",
    None,
    None,
    "Trình độ học vấn",
    "Trình độ chuyên môn",
    "Lý luận chính trị",
    "Tin học",
    "Ngoại ngữ",
    "Ngày vào Đoàn",
    "Số nghị quyết kết nạp",
    "Số thẻ đoàn viên",
    "Ngày vào Đảng",
    "Nghề nghiệp hiện nay",
    "Loại đoàn viên",
    "Tình trạng rèn luyện",
    "Kết quả đánh giá",
    "Khen thưởng",
    "Kỷ luật",
    "Chức vụ",
    "Là hội viên Hội LHTN",
    "Đoàn viên danh dự",
    "Email liên hệ",
    "Điện thoại liên hệ",
    "Đơn vị",
]


def national_export() -> None:
    """The national software's member list as it exports it: title rows, a two-row header
    (the ID card's number, date and place under one merged heading), computed columns, a
    footer. Row 6 is an existing member (the test gives him this ID number), row 7 is new."""
    book, dates = workbook("national_export.xlsx")
    sheet = book.add_worksheet("DanhSachDoanVien")
    bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter"})
    sheet.merge_range("A1:AG1", "BAN CHẤP HÀNH ĐOÀN TỈNH THỬ NGHIỆM", bold)
    sheet.merge_range("A2:AG2", "DANH SÁCH ĐOÀN VIÊN", bold)
    for c, value in enumerate(NATIONAL_TOP):
        if c in (9, 10, 11):
            continue
        sheet.merge_range(3, c, 4, c, value, bold)
    sheet.merge_range(3, 9, 3, 11, "CMND/CCCD", bold)
    write_rows(sheet, 4, [[None] * 9 + ["Số", "Ngày cấp", "Nơi cấp"]], dates)
    existing = [
        1,
        "Nguyễn Văn An",
        "",
        date(2004, 3, 15),
        "Nam",
        "Kinh",
        "Không",
        "Xã Tân Hòa, huyện Tân An",
        "",
        "038204000201",
        date(2021, 4, 2),
        "Cục Cảnh sát QLHC về TTXH",
        "12/12",
        "",
        "",
        "",
        "",
        date(2020, 3, 26),
        "",
        "",
        "",
        "Công nhân",
        "Đoàn viên sinh hoạt chính thức",
        "Đã đăng ký",
        "Chưa đánh giá",
        "",
        "",
        "Đoàn viên",
        "Có",
        "Không",
        "",
        "0988000201",
        "Chi đoàn 12A1",
    ]
    new = [
        2,
        "Phạm Thị Mai",
        "DV0000000777",
        "11/11/2006",
        "Nữ",
        "Tày",
        "Không",
        "Xã Tân Hòa, huyện Tân An",
        "Ấp 3, xã Tân Hòa",
        "038306000202",
        "05/06/2022",
        "Cục Cảnh sát QLHC về TTXH",
        "12/12",
        "Trung cấp",
        "Sơ cấp",
        "Cơ bản",
        "Tiếng Anh B1",
        "26/03/2023",
        "15/NQ-ĐTN",
        "TN0000777",
        "",
        "Học sinh",
        "Sinh hoạt tạm thời",
        "Chưa đăng ký",
        "",
        "Giấy khen Đoàn trường 2024",
        "",
        "Phó Bí thư",
        "Không",
        "Không",
        "mai.pham@example.com",
        "0977000202",
        "Chi đoàn 12A1",
    ]
    write_rows(sheet, 5, [existing, new], dates)
    sheet.merge_range("A9:H9", "Tổng số: 2 đoàn viên")
    book.close()


def csv_file() -> None:
    """Excel's "CSV UTF-8": a byte order mark, semicolons, numbers without their zeros."""
    lines = [
        "Họ và tên;Ngày sinh;Giới tính;Số CCCD;Ngày vào Đoàn;Điện thoại;Khen thưởng",
        f"{unicodedata.normalize('NFD', 'Đặng Quốc Huy')};07/08/2008;Nam;38208001240;"
        "26/03/2025;912000240;",
        ' Võ  Ngọc Ánh ;2008-12-01;Nữ;"038308001241";26-03-2025;;"Học sinh giỏi\nnăm 2024"',
    ]
    (HERE / "members.csv").write_bytes(codecs.BOM_UTF8 + "\r\n".join(lines).encode())


def bad_cells() -> None:
    ok = ["Lý Thị Hoa", date(2008, 2, 1), "Nữ", None, date(2025, 3, 26), "Chi đoàn 12A1"]
    header = [*PLAIN, "Số điện thoại", "Hội viên Hội LHTN", "Email"]

    def row(id_number, **changes):
        values = dict(zip(header, [*ok, "", "", ""], strict=True))
        values["Số CMND/CCCD"] = id_number
        values.update(changes)
        return [values[h] for h in header]

    plain(
        "bad_cells.xlsx",
        [
            row("038308001301", **{"Ngày sinh": "31/02/2008"}),
            row("038308001302", **{"Giới tính": "Khác"}),
            row("12345"),
            row("038308001304", **{"Số điện thoại": "12345"}),
            row("038308001305", **{"Hội viên Hội LHTN": "có lẽ"}),
            row("038308001306", **{"Email": "not-an-email"}),
            row("038308001307", **{"Chi đoàn": "Chi đoàn 99Z"}),
            row("3.82083E+10"),
            row("038308001309", **{"Ngày vào Đoàn": date(2022, 3, 26)}),
        ],
        header,
    )


def person(n: int, branch: str = "Chi đoàn 12A1") -> list:
    return [
        f"Hồ Văn Thử {n}",
        date(2008, 1, n),
        "Nam",
        f"0382080014{n:02d}",
        date(2025, 3, 26),
        branch,
    ]


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 stores it: letters with their vowel marks, tones apart."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if ch in TONE_MARKS or not out:
            out.append(ch)
        else:
            composed = unicodedata.normalize("NFC", out[-1] + ch)
            if len(composed) == 1 and out[-1] not in TONE_MARKS:
                out[-1] = composed
            else:
                out.append(ch)
    return "".join(out).encode("cp1258")


def other_files() -> None:
    plain(
        "duplicate_ids.xlsx",
        [person(1), person(2), [*person(3)[:3], "038208001401", *person(3)[4:]]],
    )
    plain(
        "one_bad_row.xlsx",
        [
            person(11),
            person(12, "Chi đoàn 12A2"),
            person(13),
            [*person(14)[:4], date(2020, 1, 1), "Chi đoàn 12A1"],
        ],
    )
    plain("id_elsewhere.xlsx", [[*person(21)[:3], "038204000301", *person(21)[4:]]])
    plain(
        "no_id_column.xlsx",
        [["Hồ Văn Thử", date(2008, 1, 1), "Nam", date(2025, 3, 26)]],
        ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đoàn"],
    )
    plain("no_branch_column.xlsx", [person(31)[:5]], PLAIN[:5])
    plain(
        "missing_columns.xlsx",
        [["Hồ Văn Thử", "038208001441", "Chi đoàn 12A1"]],
        ["Họ và tên", "Số CMND/CCCD", "Chi đoàn"],
    )
    plain("header_only.xlsx", [])
    plain("no_header.xlsx", [person(25), person(26)], person(27))

    book = xlsxwriter.Workbook(HERE / "empty_sheet.xlsx")
    book.set_properties({"created": FIXED_TIME})
    book.add_worksheet("Sheet1")
    book.close()
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "report.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    with zipfile.ZipFile(HERE / "letter.xlsx", "w") as z:
        for name, text in (
            ("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
            ("word/document.xml", '<?xml version="1.0"?><document>Thư mời</document>'),
        ):
            z.writestr(zipfile.ZipInfo(name, FIXED_TIME.timetuple()[:6]), text)
    (HERE / "web_page.xls").write_text(
        "<html><body><table><tr><td>Họ và tên</td><td>Số CMND/CCCD</td></tr></table></body></html>",
        encoding="utf-8",
    )
    text = "Họ và tên;Ngày sinh\r\nNguyễn Văn Thử;01/01/2008\r\n"
    (HERE / "windows_1258.csv").write_bytes(windows_1258(text))
    rows = ["Họ và tên,Ngày sinh,Giới tính,Số CMND/CCCD,Ngày vào Đoàn"]
    rows += [f"Hồ Văn Thử {n},01/01/2008,Nam,0382080015{n:02d},26/03/2025" for n in range(12)]
    (HERE / "twelve_rows.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def old_excel() -> None:
    """A genuine Excel 97-2003 workbook (.xls, BIFF8, written by xlwt): a date cell and a text
    date, an ID number as text and one that Excel turned into a number."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Đoàn viên")
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    rows = [
        PLAIN,
        ["Phan Thị Mai", date(2008, 2, 12), "Nữ", "038308001601", date(2025, 3, 26)],
        ["Đỗ Văn Khánh", "05/11/2007", "Nam", 38207001602, date(2024, 9, 2)],
    ]
    rows[1].append("Chi đoàn 12A1")
    rows[2].append("Chi đoàn 12A2")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if isinstance(value, date):
                sheet.write(r, c, value, dates)
            else:
                sheet.write(r, c, value)
    book.save(str(HERE / "old_excel.xls"))


if __name__ == "__main__":
    good()
    national_export()
    csv_file()
    bad_cells()
    other_files()
    old_excel()
