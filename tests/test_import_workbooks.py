"""Workbooks as partners keep them: .xlsx sheets with a title row, Chinese headers and real cells."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from events.importing import limits
from events.importing.importer import run_import
from events.importing.limits import MAX_WORKBOOK_CELLS
from events.importing.readers import Source
from events.importing.specs import registry
from events.importing.views import XLSX_TYPE
from events.models import Event, KeyFigure, Milestone, TrainingBase, TrainingBaseBatch

from .content_io import delete_all_content, import_content, import_fails, snapshot
from .factories import make_event
from .test_export_content import content  # noqa: F401 (the fixture of a varied export)
from .test_import_admin import URL, staff

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


SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def workbook_parts(sheet_xml, *, extra=(), types=""):
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
            f"{types}</Types>"
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


def test_shared_strings_are_read_as_excel_writes_them(db, tmp_path):
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>slug</t></si><si><t>name</t></si><si><t>shared</t></si>"
        # Rich text with a phonetic guide; a carriage return and a literal "_x000D_", escaped.
        "<si><r><t>共享</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh sb='0' eb='1'><t>gong</t></rPh></si>"
        "<si><t>第一行_x000D_\n第二行 _x005F_x000D_</t></si>"
        "<si><t>说明</t></si>"
        "</sst>"
    )
    rows = "".join(
        f'<row r="{row}">'
        + "".join(
            f'<c r="{column}{row}" t="s"><v>{index}</v></c>'
            for column, index in zip("ABC", indexes, strict=True)
        )
        + "</row>"
        for row, indexes in ((1, (0, 1, 5)), (2, (2, 3, 4)))
    )
    path = tmp_path / "shared.xlsx"
    path.write_bytes(
        workbook_parts(sheet(rows), extra={"xl/sharedStrings.xml": shared}, types=SHARED_STRINGS_TYPE)
    )

    import_content(path)

    from events.models import Category

    shared = Category.objects.get(slug="shared")
    assert (shared.name, shared.description) == ("共享文本", "第一行\r\n第二行 _x000D_")


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


def test_a_macro_enabled_workbook_is_refused_by_its_name_too(db, tmp_path):
    path = tmp_path / "category.xlsm"
    path.write_bytes(workbook_parts(sheet(HEADER_ROW)))

    assert "工作簿含有宏（.xlsm 或 VBA 代码），不予读取" in import_fails(path)


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
    ("data", "phrase"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
            "设置了打开密码，或是旧版 Excel 97-2003 工作簿",
        ),
        (b"name,slug\r\n", "这不是有效的 .xlsx 工作簿（不是 zip 格式）"),
        (b"PK\x03\x04broken", "工作簿已损坏，无法打开"),
    ],
)
def test_an_encrypted_or_broken_workbook_is_refused_clearly(db, tmp_path, data, phrase):
    path = tmp_path / "category.xlsx"
    path.write_bytes(data)

    assert phrase in import_fails(path)


def test_a_batch_by_name_in_a_workbook_resolves(seed_content, tmp_path):
    batch = TrainingBaseBatch.objects.get(slug=BATCH)
    rows = [[1, "四川某技师学院", "sichuan-base", batch.name, "四川省", "院校", None, None]]
    path = partner_workbook(tmp_path / "trainingbase.xlsx", rows)

    import_content(path)

    assert TrainingBase.objects.get(slug="sichuan-base").batch == batch


# -- export and templates ----------------------------------------------------------------------


@pytest.fixture
def importer(client):
    """The admin, logged in as staff who may import (and so download templates and exports)."""
    client.force_login(staff())
    return client


@pytest.mark.usefixtures("content")
def test_an_xlsx_export_imports_back_with_every_row_unchanged(tmp_path):
    make_event(slug="formulas", rank=9, year=2024, title="=1+1", body="第一行\r\n第二行\x0b_x0041_")
    before = snapshot()
    path = tmp_path / "content.xlsx"
    call_command("export_content", "--format", "xlsx", "--output", str(path))

    stdout, _ = import_content(path)

    assert "合计                             0         0" in stdout
    assert "工作表「培训载体」：培训载体（trainingbase）" in stdout
    assert snapshot() == before


@pytest.mark.usefixtures("content")
def test_an_xlsx_export_has_chinese_headers_and_real_cells(tmp_path):
    path = tmp_path / "content.xlsx"
    call_command("export_content", "--format", "xlsx", "--model", "milestone", "--output", str(path))

    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook["大事节点"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("网址名", "所属大事", "标题", "内容")
    scheduled = dict(zip(header, next(row for row in rows if row[0] == "scheduled-range"), strict=True))
    assert scheduled["日期"] == datetime.datetime(2024, 5, 1)
    assert scheduled["结束日期"] == datetime.datetime(2024, 12, 1)
    assert scheduled["地区"] == "天津市"
    assert workbook.sheetnames == ["大事节点"]


@pytest.mark.usefixtures("content")
def test_an_xlsx_export_into_an_empty_database_restores_everything(tmp_path):
    before = snapshot()
    path = tmp_path / "content.xlsx"
    call_command("export_content", "--format", "xlsx", "--output", str(path))

    delete_all_content()
    import_content(path)

    assert snapshot() == before


def test_an_xlsx_export_needs_a_workbook_file_to_write(db, tmp_path):
    with pytest.raises(CommandError, match="--output 指定工作簿文件"):
        call_command("export_content", "--format", "xlsx")
    with pytest.raises(CommandError, match=r"应以 \.xlsx 结尾"):
        call_command("export_content", "--format", "xlsx", "--output", str(tmp_path / "content.csv"))


def test_the_admin_offers_an_xlsx_template_for_every_model_and_each_imports_back(
    importer, seed_content, tmp_path
):
    page = importer.get(URL).content.decode()
    before = snapshot()

    for spec in registry():
        assert f'href="?template={spec.name}&amp;format=xlsx"' in page
        response = importer.get(URL, {"template": spec.name, "format": "xlsx"})
        assert response["Content-Type"] == XLSX_TYPE
        assert f'filename="{spec.name}.xlsx"' in response["Content-Disposition"]
        path = tmp_path / f"{spec.name}.xlsx"
        path.write_bytes(response.content)

        stdout, _ = import_content(path)

        assert "读取 1 个文件、0 条记录。" in stdout
    assert snapshot() == before


def test_the_xlsx_template_has_chinese_headers_and_drop_down_lists(importer, seed_content):
    response = importer.get(URL, {"template": "trainingbase", "format": "xlsx"})

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["培训载体"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["网址名", "批次", "名称", "所在地区", "依托单位类型", "依托单位"]
    lists = workbook["选项"]
    assert lists.sheet_state == "hidden"
    offered = {
        lists.cell(1, column).value: [
            cell.value for (cell,) in lists.iter_rows(min_row=2, min_col=column, max_col=column) if cell.value
        ]
        for column in range(1, lists.max_column + 1)
    }
    assert offered["依托单位类型"] == ["院校", "培训机构", "企业"]
    assert "四川省" in offered["所在地区"] and len(offered["所在地区"]) == 35
    assert offered["发布状态"][:1] == ["草稿"]
    validated = {str(validation.sqref).split(":")[0] for validation in sheet.data_validations.dataValidation}
    assert {"D2", "E2"} <= validated  # 所在地区, 依托单位类型


def test_the_admin_exports_all_content_as_one_workbook_that_imports_back_unchanged(
    importer, seed_content, tmp_path
):
    page = importer.get(URL).content.decode()
    assert 'href="?export=xlsx"' in page

    response = importer.get(URL, {"export": "xlsx"})

    assert response["Content-Type"] == XLSX_TYPE
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    stdout, _ = import_content(path)
    assert "合计                             0         0" in stdout


def test_a_workbook_and_a_gbk_csv_uploaded_in_the_admin_are_checked_then_applied(
    importer, seed_content, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = partner_workbook(tmp_path / "trainingbase-2023.xlsx")
    listing = SimpleUploadedFile("trainingbase-四川.csv", partner_csv([ROWS[0]]).encode("gb18030"))

    checked = importer.post(URL, {"file": SimpleUploadedFile(path.name, path.read_bytes())})

    page = checked.content.decode()
    assert "检查结果：trainingbase-2023.xlsx 可以导入" in page
    assert "工作表「Sheet1」：培训载体（trainingbase）2 行" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    applied = importer.post(URL, {"token": token}, follow=True)
    assert "已导入 trainingbase-2023.xlsx：新建 2 条" in applied.content.decode()
    assert TrainingBase.objects.filter(slug__in=["sichuan-base", "tianjin-base"]).count() == 2

    again = importer.post(URL, {"file": listing}).content.decode()

    assert "编码：GB18030" in again
    assert re.search(r"<td>0\s*</td>\s*<td>0\s*</td>\s*<td>1</td>", again)  # unchanged


@pytest.mark.parametrize(
    ("limit", "phrase"),
    [
        ("MAX_SHARED_STRINGS_BYTES", "「xl/sharedStrings.xml」解压后有 0 MB，超过 0 MB 的限制"),
        ("MAX_WORKBOOK_BYTES", "工作簿解压后有 0 MB，超过 0 MB 的限制"),
        ("MAX_WORKBOOK_MEMBERS", "工作簿由 6 个部分组成"),
    ],
)
def test_a_workbook_over_a_size_limit_is_refused_before_it_is_opened(
    db, tmp_path, monkeypatch, limit, phrase
):
    # The limits are far above any test's file: lowered here, they refuse a small one.
    monkeypatch.setattr(limits, limit, 5 if limit == "MAX_WORKBOOK_MEMBERS" else 1024)
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "<si><t>x</t></si>" * 200
    )
    path = tmp_path / "category.xlsx"
    path.write_bytes(workbook_parts(sheet(HEADER_ROW), extra={"xl/sharedStrings.xml": shared + "</sst>"}))

    assert phrase in import_fails(path)


# -- generated files ----------------------------------------------------------------------------

LABELS = sorted({title for spec in registry() for title in spec.column_aliases})
cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(9999, 1, 1)),
    st.dates(min_value=datetime.date(1900, 3, 1)),
    st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=20),
    st.sampled_from([*LABELS, "序号", "_x000D_", "=1+1", "四川、北京", BATCH]),
)


@fuzz_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    title=st.sampled_from(["Sheet1", "培训载体", "category", "大事节点", "名单"]),
    rows=st.lists(st.lists(cells, max_size=8), max_size=8),
)
def test_a_generated_sheet_is_reported_or_imported_never_a_crash(db, tmp_path_factory, title, rows):
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for row in rows:
        workbook.active.append(row)
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.xlsx"
    workbook.save(path)

    report = run_import([Source(path, csv_model="trainingbase")], dry_run=True)

    assert all(problem.location.file == "fuzz.xlsx" and problem.message for problem in report.problems)


@fuzz_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=st.binary(max_size=300), prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
def test_arbitrary_bytes_as_a_csv_are_reported_never_a_crash(db, tmp_path_factory, raw, prefix):
    path = tmp_path_factory.mktemp("fuzz") / "category.csv"
    path.write_bytes(prefix + b"slug,name\r\n" + raw)

    report = run_import([Source(path)], dry_run=True)

    assert all(problem.location.file == "category.csv" and problem.message for problem in report.problems)
