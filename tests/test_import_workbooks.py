"""Workbooks as partners keep them: .xlsx sheets with a title row, Chinese headers and real cells."""

import datetime
import io
import zipfile

import openpyxl
import pytest

from events.importing.limits import MAX_WORKBOOK_CELLS
from events.models import Event, KeyFigure, Milestone, TrainingBase, TrainingBaseBatch

from .content_io import import_content, import_fails, snapshot

pytestmark = pytest.mark.django_db

BATCH = "2023-national-high-skill-training-bases"
TITLE = "2023年国家级高技能人才培训基地名单"
HEADER = ["序号", "名称", "网址名", "批次", "所在地区", "依托单位类型", "依托单位", "领域"]
ROWS = [
    [1, "四川某技师学院", "sichuan-base", BATCH, "四川省", "院校", "四川某集团", "数控加工、养老护理"],
    [2, "天津某培训中心", "tianjin-base", BATCH, "天津市", "培训机构", None, "数控加工"],
]


def summary_line(stdout, label):
    line = next(line for line in stdout.splitlines() if line.startswith(label + " "))
    return tuple(int(number) for number in line.split()[1:])


def partner_workbook(path, rows=ROWS, *, title="Sheet1", header=HEADER):
    """A list as a provincial bureau sends it: a merged title, a note, 序号, empty rows at the end."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(["填表说明：领域可填多个，用顿号分隔。"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append([None, None, " "])
    sheet.cell(row=sheet.max_row + 3, column=len(header) + 2, value=None).number_format = "0"
    workbook.save(path)
    return path


def test_a_partner_workbook_with_a_title_row_and_chinese_headers_imports(seed_content, tmp_path):
    path = partner_workbook(tmp_path / "trainingbase-2023.xlsx")

    stdout, _ = import_content(path)

    sichuan = TrainingBase.objects.get(slug="sichuan-base")
    assert (sichuan.name, sichuan.province.name, sichuan.host_type) == (
        "四川某技师学院",
        "四川省",
        "institution",
    )
    assert sichuan.host_organization == "四川某集团"
    assert sorted(sichuan.sectors.values_list("name", flat=True)) == ["养老护理", "数控加工"]
    assert TrainingBase.objects.get(slug="tianjin-base").host_type == "training_org"
    assert summary_line(stdout, "events.trainingbase") == (2, 0, 0)
    assert "工作表「Sheet1」：表头在第 3 行" in stdout

    again, _ = import_content(path)

    assert summary_line(again, "events.trainingbase") == (0, 0, 2)


def test_a_sheet_named_after_its_model_needs_no_file_name(seed_content, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "培训载体"
    workbook.active.append(HEADER)
    workbook.active.append(ROWS[0])
    workbook.create_sheet("Sheet2")  # empty, as older Excel adds it
    path = tmp_path / "四川.xlsx"
    workbook.save(path)

    stdout, _ = import_content(path)

    assert summary_line(stdout, "events.trainingbase") == (1, 0, 0)


def test_dates_and_numbers_come_as_cells_and_keep_their_meaning(seed_content, tmp_path):
    event = Event.objects.get(rank=2)
    workbook = openpyxl.Workbook()
    milestones = workbook.active
    milestones.title = "大事节点"
    milestones.append(["网址名", "所属大事", "标题", "内容", "日期", "日期精度"])
    milestones.append(
        [
            "2023-cell-date",
            event.slug,
            "日期单元格",
            "以日期单元格填写。",
            datetime.datetime(2023, 11, 6),
            "日",
        ]
    )
    figures = workbook.create_sheet("keyfigure")
    figures.append(["所属大事", "标识", "说明", "数值", "单位", "截至日期"])
    figures.append([event.slug, 11, "以数字单元格填写的标识", 12.5, "万人次", datetime.date(2023, 12, 31)])
    path = tmp_path / "cells.xlsx"
    workbook.save(path)

    import_content(path)

    assert Milestone.objects.get(slug="2023-cell-date").date == datetime.date(2023, 11, 6)
    figure = KeyFigure.objects.get(event=event, key="11")
    assert figure.value == 12.5
    assert figure.as_of == datetime.date(2023, 12, 31)


def test_an_error_names_the_file_the_sheet_the_row_and_the_column(seed_content, tmp_path):
    rows = [ROWS[0], [2, "某学院", "bad-base", BATCH, "天津市", "大学", None, None]]
    path = partner_workbook(tmp_path / "bases.xlsx", rows, title="培训载体")

    errors = import_fails(path)

    assert (
        "bases.xlsx 工作表「培训载体」 第 5 行 events.trainingbase「bad-base」 字段「依托单位类型」" in errors
    )
    assert "「大学」不是可选的值" in errors
    assert not TrainingBase.objects.filter(slug="sichuan-base").exists()


def test_an_unknown_column_is_named_with_the_columns_accepted(seed_content, tmp_path):
    path = partner_workbook(tmp_path / "trainingbase.xlsx", header=[*HEADER[:-1], "联系人"])

    errors = import_fails(path)

    assert "trainingbase.xlsx 工作表「Sheet1」 第 3 行 events.trainingbase" in errors
    assert "未知的列「联系人」" in errors
    assert "所在地区（province）" in errors


def test_a_sheet_that_names_no_model_is_refused_clearly(db, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "名单"
    workbook.active.append(HEADER)
    workbook.create_sheet("培训载体")
    path = tmp_path / "list.xlsx"
    workbook.save(path)

    errors = import_fails(path)

    assert "list.xlsx 工作表「名单」：无法判断工作表「名单」的内容类型" in errors


def test_several_values_in_a_cell_may_be_split_every_way_people_write_them(seed_content, tmp_path):
    sectors = ["数控加工，养老护理", "数控加工;养老护理", "数控加工\n养老护理", "数控加工, 养老护理"]
    rows = [
        [n, f"学院{n}", f"base-{n}", BATCH, "四川省", "院校", None, cell] for n, cell in enumerate(sectors, 1)
    ]
    path = partner_workbook(tmp_path / "trainingbase.xlsx", rows)

    import_content(path)

    for n in range(1, len(sectors) + 1):
        base = TrainingBase.objects.get(slug=f"base-{n}")
        assert sorted(base.sectors.values_list("name", flat=True)) == ["养老护理", "数控加工"]


# -- CSV in the encodings Excel and WPS write -----------------------------------------------------


def partner_csv(rows=ROWS):
    lines = [f"{TITLE},,,,,,,", ",".join(HEADER)]
    for row in rows:
        lines.append(",".join(f'"{cell}"' if cell is not None else "" for cell in row))
    return "\r\n".join([*lines, ",,,,,,,", ",,,,,,,"]) + "\r\n"


@pytest.mark.parametrize(
    ("encoding", "written", "reported"),
    [
        ("gb18030", "gb18030", "编码：GB18030"),
        ("utf-16 (little-endian, with BOM)", "utf-16-le", "编码：UTF-16LE（带 BOM）"),
        ("utf-16 (big-endian, with BOM)", "utf-16-be", "编码：UTF-16BE（带 BOM）"),
        ("utf-8 with BOM", "utf-8-sig", "编码：UTF-8（带 BOM）"),
        ("utf-8", "utf-8", "编码：UTF-8"),
    ],
)
def test_the_list_as_a_csv_in_each_encoding_imports_and_says_which(
    seed_content, tmp_path, encoding, written, reported
):
    path = tmp_path / "trainingbase-2023.csv"
    data = partner_csv().encode(written)
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(written, b"")
    path.write_bytes(bom + data)

    stdout, _ = import_content(path)

    assert reported in stdout
    assert summary_line(stdout, "events.trainingbase") == (2, 0, 0)
    sichuan = TrainingBase.objects.get(slug="sichuan-base")
    assert sichuan.name == "四川某技师学院"
    assert sorted(sichuan.sectors.values_list("name", flat=True)) == ["养老护理", "数控加工"]


def test_a_gbk_csv_whose_first_kilobytes_are_ascii_is_still_read_as_gb18030(seed_content, tmp_path):
    rows = [[n, f"College {n}", f"base-{n}", BATCH, "510000", "institution", None, None] for n in range(3000)]
    rows.append([3000, "四川某技师学院", "sichuan-base", BATCH, "四川省", "院校", None, "数控加工"])
    path = tmp_path / "trainingbase.csv"
    path.write_bytes(partner_csv(rows).encode("gb18030"))

    stdout, _ = import_content(path, dry_run=True)

    assert "编码：GB18030" in stdout
    assert summary_line(stdout, "events.trainingbase") == (3001, 0, 0)


def test_a_file_that_is_not_text_is_refused_and_one_that_mixes_encodings_is_named(db, tmp_path):
    binary = tmp_path / "category.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    workbook = tmp_path / "category-2.csv"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 30)
    mixed = tmp_path / "category-3.csv"
    mixed.write_bytes("slug,name\r\na,北京市\r\n".encode() + "b,天津市\r\n".encode("gbk"))

    assert "这不是文本格式的 CSV 文件：文件中有空字节（NUL）" in import_fails(binary)
    assert "它是一个 Excel 工作簿（.xlsx）。请把文件扩展名改为 .xlsx" in import_fails(workbook)
    assert "category-3.csv 第 3 行：这不是文本格式的 CSV 文件：第 3 行有不能按 UTF-8 读取的字节" in (
        import_fails(mixed)
    )


def test_a_csv_header_may_sit_under_a_title_with_its_columns_in_any_order(seed_content, tmp_path):
    path = tmp_path / "training_bases.csv"
    path.write_text(
        f"{TITLE}\r\n\r\n领域,所在地区,名称,,网址名,批次\r\n数控加工,四川,四川某技师学院,,sichuan-base,{BATCH}\r\n",
        encoding="utf-8",
    )

    import_content(path)

    assert TrainingBase.objects.get(slug="sichuan-base").province.code == "510000"


# -- limits -------------------------------------------------------------------------------------


def workbook_parts(sheet_xml, *, extra=()):
    """A minimal .xlsx written part by part, so that a test can make any sheet it needs."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="category" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
        **dict(extra),
    }
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return stream.getvalue()


def sheet(rows_xml, dimension="A1:B2"):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>'
    )


def text_row(number, *texts):
    """A row of inline text cells, from column A."""
    cells = "".join(
        f'<c r="{column}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for column, text in zip("ABCDEFGH", texts, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'


HEADER_ROW = text_row(1, "slug", "name")


def test_a_hand_made_workbook_is_read(db, tmp_path):
    row = text_row(2, "made", "手写")
    path = tmp_path / "made.xlsx"
    path.write_bytes(workbook_parts(sheet(HEADER_ROW + row)))

    import_content(path)

    from events.models import Category

    assert Category.objects.get(slug="made").name == "手写"


def test_a_workbook_of_a_million_cells_is_refused_within_the_limit(db, tmp_path):
    # A thousand rows, each with a cell in column A and one in column ALL: a million cells as
    # read, in a file of a few kilobytes that declares its size honestly.
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>c{n}</t></is></c><c r="ALL{n}"><v>1</v></c></row>'
        for n in range(2, 1002)
    )
    path = tmp_path / "huge.xlsx"
    path.write_bytes(workbook_parts(sheet(HEADER_ROW + rows, dimension="A1:ALL1001")))
    before = snapshot()

    errors = import_fails(path)

    assert (
        f"huge.xlsx 工作表「category」 第 {MAX_WORKBOOK_CELLS // 1000 + 1} 行：文件超出导入限制：" in errors
    )
    assert f"工作簿超过 {MAX_WORKBOOK_CELLS:,} 个单元格" in errors
    assert snapshot() == before


def test_a_sheet_that_claims_the_whole_grid_costs_only_the_cells_it_holds(db, tmp_path):
    row = text_row(1048576, "far", "远")
    path = tmp_path / "far.xlsx"
    path.write_bytes(workbook_parts(sheet(HEADER_ROW + row, dimension="A1:XFD1048576")))

    import_content(path)

    from events.models import Category

    assert Category.objects.get(slug="far").name == "远"


def test_a_zip_bomb_is_refused_before_it_is_inflated(db, tmp_path):
    bomb = sheet(HEADER_ROW) + " " * (20 * 1024 * 1024)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(workbook_parts(bomb))
    assert path.stat().st_size < 100 * 1024

    errors = import_fails(path)

    assert "bomb.xlsx：工作簿中的「xl/worksheets/sheet1.xml」解压后是压缩时的" in errors
    assert "上限 200 倍" in errors


@pytest.mark.parametrize(
    ("extra", "phrase"),
    [
        ({"xl/externalLinks/externalLink1.xml": "<externalLink/>"}, "引用了其他工作簿（外部链接）"),
        ({"xl/vbaProject.bin": "macro"}, "工作簿含有宏"),
    ],
)
def test_external_links_and_macros_are_refused(db, tmp_path, extra, phrase):
    path = tmp_path / "linked.xlsx"
    path.write_bytes(workbook_parts(sheet(HEADER_ROW), extra=extra))

    assert phrase in import_fails(path)


def test_an_external_link_declared_only_in_the_relationships_is_refused(db, tmp_path):
    relationships = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="file:///C:/secret.xlsx" TargetMode="External" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink"/>'
        "</Relationships>"
    )
    path = tmp_path / "linked.xlsx"
    path.write_bytes(workbook_parts(sheet(HEADER_ROW), extra={"xl/_rels/workbook.xml.rels": relationships}))

    assert "引用了其他工作簿（外部链接）" in import_fails(path)


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
            "设置了打开密码，或是旧版 Excel 97-2003 工作簿",
        ),
        (b"name,slug\r\n", "这不是有效的 .xlsx 工作簿（不是 zip 格式）"),
        (b"PK\x03\x04broken", "工作簿已损坏，无法打开"),
    ],
)
def test_an_encrypted_or_broken_workbook_is_refused_clearly(db, tmp_path, content, phrase):
    path = tmp_path / "category.xlsx"
    path.write_bytes(content)

    assert phrase in import_fails(path)


def test_a_batch_by_name_in_a_workbook_resolves(seed_content, tmp_path):
    batch = TrainingBaseBatch.objects.get(slug=BATCH)
    rows = [[1, "四川某技师学院", "sichuan-base", batch.name, "四川省", "院校", None, None]]
    path = partner_workbook(tmp_path / "trainingbase.xlsx", rows)

    import_content(path)

    assert TrainingBase.objects.get(slug="sichuan-base").batch == batch
