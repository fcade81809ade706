"""A partner's list as it arrives: Chinese headers and names, no slugs, the batch given once."""

import openpyxl
import pytest
from django.core.management import CommandError

from events.models import Milestone, Sector, StagedImport, TrainingBase, TrainingBaseBatch
from events.slugs import pinyin_slug

from .content_io import import_content, import_fails, snapshot
from .test_import_admin import staff, token_in, upload

pytestmark = pytest.mark.django_db

BATCH = "2023年国家级高技能人才培训基地建设项目"
OTHER_BATCH = "2023年国家级技能大师工作室建设项目"

# As a provincial bureau keeps it: names, not slugs, provinces with and without their suffix,
# host types by their Chinese label, sectors by name joined by 、.
PARTNER_LIST = (
    "名称,所在地区,依托单位类型,依托单位,领域\r\n"
    "北京市工贸技师学院,北京,院校,北京市人力资源和社会保障局,智能制造、数控加工\r\n"
    "四川省机械高级技工学校,四川省,院校,四川省人力资源和社会保障厅,数控加工\r\n"
    "成都市技能人才培训中心,四川,培训机构,,养老护理\r\n"
    "广西工业技师学院,广西壮族自治区,院校,,数字建造\r\n"
    "柳州市职业技能培训中心,广西自治区,培训机构,,智能制造\r\n"
    "新疆交通职业技术学院,新疆,院校,,\r\n"
    "乌鲁木齐技师学院,新疆维吾尔自治区,院校,,数控加工、养老护理\r\n"
    "河南省职业技能实训基地, 河南 ,ｅｎｔｅｒｐｒｉｓｅ,,数字媒体技术\r\n"
)


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def summary_line(stdout, label):
    line = next(line for line in stdout.splitlines() if line.startswith(label + " "))
    return tuple(int(number) for number in line.split()[1:])


# The same kind of list as a workbook: a merged title cell above the header, a 序号 column,
# cells as Excel keeps them, empty rows at the end.
WORKBOOK_TITLE = "2023年国家级高技能人才培训基地建设项目名单"
WORKBOOK_HEADER = ["序号", "名称", "所在地区", "依托单位类型", "依托单位", "领域"]
WORKBOOK_ROWS = [
    [1, "北京市工贸技师学院", "北京市", "院校", "北京市人力资源和社会保障局", "智能制造、数控加工"],
    [2, "四川省机械高级技工学校", "四川省", "院校", "四川省人力资源和社会保障厅", "数控加工"],
    [3, "成都市技能人才培训中心", "四川", "培训机构", None, "养老护理、数字媒体技术"],
    [4, "广西工业技师学院", "广西壮族自治区", "院校", None, "数字建造"],
    [5, "柳州市职业技能培训中心", "广西", "培训机构", None, "智能制造"],
    [6, "乌鲁木齐技师学院", "新疆", "院校", None, "数控加工、养老护理"],
    [7, "河南省职业技能实训基地", "河南", "企业", "河南某装备集团", "信息安全管理"],
]


def partner_workbook(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "基地名单"
    sheet.append([WORKBOOK_TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(WORKBOOK_HEADER))
    sheet.append(WORKBOOK_HEADER)
    for row in WORKBOOK_ROWS:
        sheet.append(row)
    sheet.append([])
    sheet.append([None, " "])
    sheet.cell(row=sheet.max_row + 2, column=1).number_format = "0"
    workbook.save(path)
    return path


def partner_csv_text():
    def cell(value):
        return "" if value is None else f'"{value}"' if "、" in str(value) else str(value)

    lines = [WORKBOOK_TITLE + "," * (len(WORKBOOK_HEADER) - 1), ",".join(WORKBOOK_HEADER)]
    lines += [",".join(cell(value) for value in row) for row in WORKBOOK_ROWS]
    lines += ["," * (len(WORKBOOK_HEADER) - 1)] * 2
    return "\r\n".join(lines) + "\r\n"


def bases_by_name():
    return {
        base.name: (base.province.code, base.host_type, sorted(base.sectors.values_list("slug", flat=True)))
        for base in TrainingBase.objects.filter(batch__name=BATCH).select_related("province")
    }


def test_a_partners_workbook_without_slugs_imports_and_again_as_unchanged(seed_content, tmp_path):
    path = partner_workbook(tmp_path / "基地名单.xlsx")

    stdout, _ = import_content(path, model="培训载体", assignments=[f"批次={BATCH}"])

    assert summary_line(stdout, "events.trainingbase") == (7, 0, 0)
    bases = bases_by_name()
    assert bases["四川省机械高级技工学校"][0] == bases["成都市技能人才培训中心"][0] == "510000"
    assert bases["柳州市职业技能培训中心"][0] == "450000"
    assert bases["乌鲁木齐技师学院"] == ("650000", "institution", ["cnc-machining", "elderly-care"])
    assert bases["河南省职业技能实训基地"] == ("410000", "enterprise", ["information-security-management"])
    assert TrainingBase.objects.get(name="广西工业技师学院").slug == "guang-xi-gong-ye-ji-shi-xue-yuan"
    before = snapshot()

    stdout, _ = import_content(path, model="培训载体", assignments=[f"批次={BATCH}"])

    assert summary_line(stdout, "events.trainingbase") == (0, 0, 7)
    assert snapshot() == before


def test_the_same_list_as_a_gb18030_csv_makes_the_same_rows(seed_content, tmp_path):
    path = write(tmp_path / "基地名单.csv", partner_csv_text(), encoding="gb18030")

    stdout, _ = import_content(path, model="培训载体", assignments=[f"批次={BATCH}"])

    assert "编码：GB18030" in stdout
    assert summary_line(stdout, "events.trainingbase") == (7, 0, 0)
    before = snapshot()
    workbook = partner_workbook(tmp_path / "基地名单.xlsx")

    stdout, _ = import_content(workbook, model="trainingbase", assignments=[f"batch={BATCH}"])

    assert summary_line(stdout, "events.trainingbase") == (0, 0, 7)
    assert snapshot() == before


@pytest.fixture
def partner_list(seed_content, tmp_path):
    return write(tmp_path / "基地名单.csv", PARTNER_LIST)


def test_a_partners_list_imports_by_names_and_again_as_unchanged(partner_list):
    stdout, _ = import_content(partner_list, model="培训载体", assignments=[f"批次={BATCH}"])

    assert summary_line(stdout, "events.trainingbase") == (8, 0, 0)
    bases = {base.name: base for base in TrainingBase.objects.filter(batch__name=BATCH)}
    assert bases["北京市工贸技师学院"].province.code == "110000"
    assert bases["四川省机械高级技工学校"].province.code == "510000"
    assert bases["成都市技能人才培训中心"].province.code == "510000"
    assert bases["柳州市职业技能培训中心"].province.code == "450000"
    assert bases["新疆交通职业技术学院"].province.code == "650000"
    assert bases["河南省职业技能实训基地"].province.code == "410000"
    assert bases["成都市技能人才培训中心"].host_type == "training_org"
    assert bases["河南省职业技能实训基地"].host_type == "enterprise"
    assert sorted(bases["北京市工贸技师学院"].sectors.values_list("slug", flat=True)) == [
        "cnc-machining",
        "intelligent-manufacturing",
    ]
    # Slugs as the admin proposes them: the pinyin of the name.
    assert (
        bases["北京市工贸技师学院"].slug
        == pinyin_slug("北京市工贸技师学院")
        == "bei-jing-shi-gong-mao-ji-shi-xue-yuan"
    )
    before = snapshot()

    stdout, _ = import_content(partner_list, model="trainingbase", assignments=[f"batch={BATCH}"])

    assert summary_line(stdout, "events.trainingbase") == (0, 0, 8)
    assert snapshot() == before


def test_a_row_without_a_slug_updates_the_row_of_its_name(seed_content, tmp_path):
    path = write(tmp_path / "基地名单.csv", "名称,所在地区,依托单位类型\r\n北京轻工技师学院,北京,院校\r\n")

    stdout, _ = import_content(path, model="培训载体", assignments=[f"批次={BATCH}"])

    assert summary_line(stdout, "events.trainingbase") == (0, 0, 1)
    assert (
        TrainingBase.objects.get(name="北京轻工技师学院").slug == "beijing-light-industry-technician-college"
    )


def test_a_changed_cell_updates_the_row_it_names_by_its_name(partner_list, tmp_path):
    import_content(partner_list, model="培训载体", assignments=[f"批次={BATCH}"])
    changed = write(
        tmp_path / "基地名单.csv",
        PARTNER_LIST.replace("成都市技能人才培训中心,四川,", "成都市技能人才培训中心,重庆,"),
    )

    stdout, _ = import_content(changed, model="培训载体", assignments=[f"批次={BATCH}"])

    assert summary_line(stdout, "events.trainingbase") == (0, 1, 7)
    assert TrainingBase.objects.get(name="成都市技能人才培训中心").province.name == "重庆市"


def test_a_rows_own_value_wins_over_the_shared_one(partner_list, tmp_path):
    path = write(
        tmp_path / "基地名单.csv",
        f"名称,批次,所在地区\r\n北京市工贸技师学院,,北京\r\n北京市工贸技师学院,{OTHER_BATCH},北京\r\n",
    )

    import_content(path, model="培训载体", assignments=[f"批次={BATCH}"])

    bases = TrainingBase.objects.filter(name="北京市工贸技师学院").order_by("pk")
    assert [(base.batch.name, base.slug) for base in bases] == [
        (BATCH, "bei-jing-shi-gong-mao-ji-shi-xue-yuan"),
        (OTHER_BATCH, "bei-jing-shi-gong-mao-ji-shi-xue-yuan-2"),
    ]
    before = snapshot()
    stdout, _ = import_content(path, model="培训载体", assignments=[f"批次={BATCH}"])
    assert summary_line(stdout, "events.trainingbase") == (0, 0, 2)
    assert snapshot() == before


def test_rows_of_the_same_title_get_distinct_slugs_that_stay_theirs(seed_content, tmp_path):
    event = Milestone.objects.first().event
    path = write(
        tmp_path / "节点.csv",
        "标题,内容,日期\r\n现场推进会,第一次会议。,2024-03-01\r\n现场推进会,第二次会议。,2024-03-01\r\n",
    )

    import_content(path, model="大事节点", assignments=[f"所属大事={event.slug}"])

    rows = list(
        Milestone.objects.filter(title="现场推进会").order_by("pk").values_list("slug", "description")
    )
    assert rows == [
        ("2024-03-01-xian-chang-tui-jin-hui", "第一次会议。"),
        ("2024-03-01-xian-chang-tui-jin-hui-2", "第二次会议。"),
    ]
    stdout, _ = import_content(path, model="大事节点", assignments=[f"所属大事={event.slug}"])
    assert summary_line(stdout, "events.milestone") == (0, 0, 2)


def test_a_choice_that_is_no_label_lists_the_labels(partner_list, tmp_path):
    path = write(tmp_path / "基地名单.csv", "名称,依托单位类型\r\n某职业学校,学校\r\n")
    before = snapshot()

    errors = import_fails(path, model="培训载体", assignments=[f"批次={BATCH}"])

    assert "基地名单.csv 第 2 行" in errors
    assert "「学校」不是可选的值" in errors
    assert "院校（institution）、培训机构（training_org）、企业（enterprise）" in errors
    assert snapshot() == before


def test_an_ambiguous_name_is_an_error_naming_the_candidates(partner_list, tmp_path):
    Sector.objects.create(name="CNC加工", slug="cnc")
    Sector.objects.create(name="ＣＮＣ加工", slug="cnc-full-width")
    path = write(tmp_path / "基地名单.csv", "名称,领域\r\n某数控培训中心,cnc 加工\r\n")
    before = snapshot()

    errors = import_fails(path, model="培训载体", assignments=[f"批次={BATCH}"])

    assert "「cnc 加工」可以指多个领域：CNC加工、ＣＮＣ加工" in errors
    assert snapshot() == before


def test_a_name_that_is_nowhere_suggests_the_nearest(partner_list, tmp_path):
    path = write(tmp_path / "基地名单.csv", "名称,所在地区,领域\r\n某培训中心,四州省,数控加公\r\n")

    errors = import_fails(path, model="培训载体", assignments=[f"批次={BATCH}"])

    assert "引用的领域「数控加公」不存在" in errors
    assert "最接近的：数控加工" in errors
    assert "引用的省级行政区「四州省」不存在" in errors
    assert not TrainingBase.objects.filter(name="某培训中心").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"model": "飞船"}, "未知的内容类型「飞船」"),
        ({"model": "培训载体", "assignments": ["届次=3"]}, "培训载体没有可共用的字段「届次」"),
        ({"model": "培训载体", "assignments": ["批次"]}, "「批次」应写成 字段=值"),
        ({"model": "培训载体", "assignments": ["批次=第九批"]}, "批次（batch）：没有培训载体批次「第九批」"),
        ({"model": "培训载体", "assignments": ["网址名=x"]}, "培训载体没有可共用的字段「网址名」"),
        ({"model": "培训载体", "assignments": ["依托单位类型=学校"]}, "「学校」不是可选的值"),
        ({"assignments": [f"批次={BATCH}"]}, "--set 需要知道"),
    ],
)
def test_bad_options_are_refused_before_anything_is_read(partner_list, options, message):
    before = snapshot()

    with pytest.raises(CommandError, match=message):
        import_content(partner_list, **options)

    assert snapshot() == before


def test_the_file_name_still_names_the_model_for_shared_values(seed_content, tmp_path):
    path = write(tmp_path / "trainingbase-四川.csv", "名称,所在地区\r\n四川某技师学院,四川\r\n")

    import_content(path, assignments=[f"批次={TrainingBaseBatch.objects.get(name=BATCH).slug}"])

    assert TrainingBase.objects.get(name="四川某技师学院").batch.name == BATCH


class TestTheAdminImportPage:
    """The same choices on the admin's import page, carried from the check to the confirmation."""

    URL = "/admin/import/"

    @pytest.fixture
    def importer_client(self, client, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path / "media"
        client.force_login(staff())
        return client

    def check(self, client, content, **data):
        return client.post(self.URL, {"file": upload("基地名单.csv", content), **data})

    def test_a_list_with_its_model_and_shared_batch_is_checked_then_applied(
        self, importer_client, partner_list
    ):
        checked = self.check(
            importer_client, PARTNER_LIST, csv_model="trainingbase", shared_values=f"批次={BATCH}\r\n"
        )

        page = checked.content.decode()
        assert "检查结果：基地名单.csv 可以导入" in page
        assert f"<li>批次（共用）：{BATCH}</li>" in page
        assert "<li>内容类型：培训载体（trainingbase）</li>" in page
        assert not TrainingBase.objects.filter(name="北京市工贸技师学院").exists()

        applied = importer_client.post(self.URL, {"token": token_in(checked)}, follow=True)

        assert "新建 8 条，更新 0 条，0 条未变" in applied.content.decode()
        assert TrainingBase.objects.get(name="乌鲁木齐技师学院").batch.name == BATCH
        again = self.check(
            importer_client, PARTNER_LIST, csv_model="trainingbase", shared_values=f"batch={BATCH}"
        )
        assert again.context["report"].counts["events.trainingbase"].unchanged == 8

    def test_a_workbook_with_its_model_and_shared_batch_imports_the_same_way(
        self, importer_client, seed_content, tmp_path
    ):
        workbook = partner_workbook(tmp_path / "基地名单.xlsx").read_bytes()

        checked = importer_client.post(
            self.URL,
            {
                "file": upload("基地名单.xlsx", workbook),
                "csv_model": "trainingbase",
                "shared_values": f"批次={BATCH}",
            },
        )
        importer_client.post(self.URL, {"token": token_in(checked)})

        assert checked.context["report"].counts["events.trainingbase"].created == 7
        assert bases_by_name()["柳州市职业技能培训中心"][0] == "450000"

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            (
                {"csv_model": "trainingbase", "shared_values": "批次=第九批"},
                "shared_values",
                "没有培训载体批次「第九批」",
            ),
            (
                {"csv_model": "trainingbase", "shared_values": "颜色=红"},
                "shared_values",
                "没有可共用的字段「颜色」",
            ),
            ({"shared_values": f"批次={BATCH}"}, "csv_model", "请选择内容类型"),
            ({"csv_model": "spaceship"}, "csv_model", "spaceship"),
        ],
    )
    def test_bad_choices_are_form_errors_and_nothing_is_kept(
        self, importer_client, partner_list, data, field, message
    ):
        before = snapshot()

        response = self.check(importer_client, PARTNER_LIST, **data)

        assert message in " ".join(response.context["form"].errors[field])
        assert "report" not in response.context
        assert not StagedImport.objects.exists()
        assert snapshot() == before


def test_a_list_of_sectors_without_slugs_may_name_a_parent_defined_in_it(seed_content, tmp_path):
    path = write(
        tmp_path / "领域.csv",
        "名称,所属大类\r\n新能源汽车维修,绿色产业\r\n绿色产业,\r\n光伏运维,绿色产业\r\n",
    )

    stdout, _ = import_content(path, model="领域")

    assert summary_line(stdout, "events.sector") == (3, 0, 0)
    green = Sector.objects.get(slug="lv-se-chan-ye")
    assert sorted(green.children.values_list("slug", flat=True)) == [
        "guang-fu-yun-wei",
        "xin-neng-yuan-qi-che-wei-xiu",
    ]
    stdout, _ = import_content(path, model="领域")
    assert summary_line(stdout, "events.sector") == (0, 0, 3)


def test_an_error_in_a_row_without_a_slug_names_the_row_by_its_name(partner_list, tmp_path):
    path = write(tmp_path / "基地名单.csv", "名称,依托单位类型\r\n某职业学校,学校\r\n")

    errors = import_fails(path, model="培训载体", assignments=[f"批次={BATCH}"])

    assert f"events.trainingbase「{BATCH}/某职业学校」" in errors


def test_a_key_figure_without_its_key_gets_the_pinyin_of_its_label_as_in_the_admin(seed_content, tmp_path):
    event = Milestone.objects.first().event
    path = write(
        tmp_path / "关键数字.csv",
        f"所属大事,说明,数值,数量级,单位\r\n{event.slug},现场观赛人数,12,万,人次\r\n",
    )

    stdout, _ = import_content(path, model="关键数字")

    figure = event.key_figures.get(label="现场观赛人数")
    assert figure.key == pinyin_slug("现场观赛人数", max_length=60) == "xian-chang-guan-sai-ren-shu"
    assert figure.text == "12万人次"
    stdout, _ = import_content(path, model="关键数字")
    assert summary_line(stdout, "events.keyfigure") == (0, 0, 1)
