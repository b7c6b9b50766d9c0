"""住户信息 workbook: households (户信息), members (家庭成员), income (收入), assistance measures (帮扶措施).

Keys: a household by 户编号, a member by 身份证号 (unique in the whole city), income by 户编号 + 年度 + 季度,
a measure by 户编号 + 措施类型 + 开始日期, a monitoring identification by 户编号 + 识别年月.

The importer works in bulk (one query per kind of lookup, ``bulk_create`` / ``bulk_update`` with history)
and applies the monitoring app's rules itself: the ID number is validated and gives sex and birth date,
the household size is its number of members, income is computed with ``IncomeRecord.compute``, and
identifications enter the review workflow as submitted — or as county-approved when a county reviewer or
the city administrator imports them.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.scoping import code_in_area
from accounts.versioning import versions_up
from dashboard.village_summaries import summaries_invalidate
from monitoring.models import (
    AssistanceMeasure,
    Education,
    EliminationMode,
    EliminationStatus,
    Employment,
    EmploymentChannel,
    Health,
    Household,
    IdentificationChannel,
    IncomeRecord,
    LabourSkill,
    Member,
    MonitoringCategory,
    MonitoringRecord,
    MeasureType,
    Relation,
    ReviewAction,
    ReviewEvent,
    ReviewStage,
    ReviewStatus,
    RiskType,
    SchoolStatus,
    WorkLocation,
)
from villages.models import RelocationSite, Village
from yuncheng.idcard import id_birth_date, id_sex, validate_id_number

from ..reading import CellError, clean_text, parse_bool, parse_choice, parse_code, parse_date, parse_int, parse_money, parse_month, parse_multi
from .base import Col, Importer, Row, SheetDef

BATCH = 2000

HOUSEHOLD_TYPES = ("脱贫户", "监测户", "脱贫户、监测户", "一般农户")


def parse_id(value) -> str:
    try:
        return validate_id_number(value)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


def parse_household_type(value) -> str:
    text = clean_text(value).replace(",", "、").replace("，", "、")
    if text not in HOUSEHOLD_TYPES:
        raise CellError(f"不在允许的取值中（{'、'.join(HOUSEHOLD_TYPES)}）")
    return text


def parse_phone(value) -> str:
    text = "".join(clean_text(value).split())
    if len(text) > 30:
        raise CellError("联系电话过长（最多 30 个字符）")
    return text


def _labels(choices) -> tuple[str, ...]:
    return tuple(label for _, label in choices)


def choice(choices):
    return partial(parse_choice, choices=choices)


def _len(limit: int):
    def parse(value):
        text = clean_text(value)
        if len(text) > limit:
            raise CellError(f"不能超过 {limit} 个字")
        return text

    return parse


def risk_type_choices() -> list[tuple[str, str]]:
    return list(RiskType.objects.values_list("code", "name"))


HOUSEHOLD_SHEET = SheetDef("户信息", (
    Col("户编号", "code", _len(30), required=True, help="全市唯一的户编号（与国家防返贫监测系统一致）"),
    Col("行政村代码", "village", partial(parse_code, digits=(12,)), required=True, help="12 位统计用区划代码"),
    Col("户主姓名", "head_name", _len(50), required=True),
    Col("户主身份证号", "head_id", parse_id, required=True, help="18 位，校验位须正确；全角数字会自动转换"),
    Col("联系电话", "phone", parse_phone),
    Col("户类型", "household_type", parse_household_type, required=True, choices=HOUSEHOLD_TYPES),
    Col("监测对象类别", "category", choice(MonitoringCategory.choices), choices=_labels(MonitoringCategory.choices),
        help="监测户必填；一般农户、未纳入监测的脱贫户留空"),
    Col("识别方式", "channel", choice(IdentificationChannel.choices), choices=_labels(IdentificationChannel.choices)),
    Col("识别年月", "identified_month", parse_month, help="YYYY-MM", kind="month"),
    Col("风险类型", "risk_types", clean_text, help="最多 5 项，用“、”分隔"),
    Col("风险是否已消除", "eliminated", parse_bool, choices=("是", "否")),
    Col("风险消除方式", "elimination_mode", choice(EliminationMode.choices), choices=_labels(EliminationMode.choices)),
    Col("风险消除年月", "elimination_month", parse_month, help="YYYY-MM", kind="month"),
    Col("是否易地搬迁户", "is_relocated", parse_bool, choices=("是", "否")),
    Col("安置点名称", "site", _len(100), help="易地搬迁户填写，须为本县已登记的安置点"),
    Col("享受低保", "is_dibao", parse_bool, choices=("是", "否")),
    Col("特困供养", "is_tekun", parse_bool, choices=("是", "否")),
    Col("整户无劳动能力", "is_no_labour", parse_bool, choices=("是", "否")),
), help="每户一行")

MEMBER_SHEET = SheetDef("家庭成员", (
    Col("户编号", "household", _len(30), required=True, help="须在「户信息」中或系统中已有"),
    Col("姓名", "name", _len(50), required=True),
    Col("身份证号", "id_number", parse_id, required=True, help="18 位，全市唯一"),
    Col("与户主关系", "relation", choice(Relation.choices), required=True, choices=_labels(Relation.choices)),
    Col("文化程度", "education", choice(Education.choices), choices=_labels(Education.choices)),
    Col("在校生状况", "school_status", choice(SchoolStatus.choices), choices=_labels(SchoolStatus.choices)),
    Col("健康状况", "health", choice(Health.choices), choices=_labels(Health.choices)),
    Col("劳动技能", "labour_skill", choice(LabourSkill.choices), choices=_labels(LabourSkill.choices)),
    Col("务工所在地", "location", choice(WorkLocation.choices), choices=_labels(WorkLocation.choices)),
    Col("务工时长(月)", "months", partial(parse_int, minimum=1, maximum=12), help="1–12", kind="int"),
    Col("就业渠道", "channel", choice(EmploymentChannel.choices), choices=_labels(EmploymentChannel.choices)),
    Col("参加基本医疗保险", "insured", parse_bool, choices=("是", "否")),
    Col("务工年度", "employment_year", partial(parse_int, minimum=2015, maximum=2100), kind="int",
        help="务工所在地、务工时长、就业渠道所指的年度（填写务工所在地时必填）；其他年度填在「务工就业」表"),
), help="每人一行")

EMPLOYMENT_SHEET = SheetDef("务工就业", (
    Col("身份证号", "id_number", parse_id, required=True, help="须在「家庭成员」中或系统中已有"),
    Col("年度", "year", partial(parse_int, minimum=2015, maximum=2100), required=True, kind="int"),
    Col("务工所在地", "location", choice(WorkLocation.choices), required=True, choices=_labels(WorkLocation.choices)),
    Col("务工时长(月)", "months", partial(parse_int, minimum=1, maximum=12), required=True, help="1–12", kind="int"),
    Col("就业渠道", "channel", choice(EmploymentChannel.choices), choices=_labels(EmploymentChannel.choices)),
), required=False, help="可选；同一人其他年度的务工情况，每人每年一行")

INCOME_SHEET = SheetDef("收入", (
    Col("户编号", "household", _len(30), required=True),
    Col("年度", "year", partial(parse_int, minimum=2015, maximum=2100), required=True, kind="int"),
    Col("季度", "quarter", partial(parse_int, minimum=1, maximum=4), required=True, help="1–4，4 为全年", kind="int"),
    Col("工资性收入", "wage_income", parse_money, help="元，自 1 月累计至季度末", kind="money"),
    Col("经营性收入", "business_income", parse_money, kind="money"),
    Col("财产性收入", "property_income", parse_money, kind="money"),
    Col("转移性收入", "transfer_income", parse_money, kind="money"),
    Col("生产经营性支出", "production_expense", parse_money, kind="money"),
), required=False, help="每户每季度一行")

MEASURE_SHEET = SheetDef("帮扶措施", (
    Col("户编号", "household", _len(30), required=True),
    Col("措施类型", "measure_type", choice(MeasureType.choices), required=True, choices=_labels(MeasureType.choices)),
    Col("措施内容", "content", _len(200)),
    Col("开始日期", "start_date", parse_date, required=True, help="YYYY-MM-DD", kind="date"),
    Col("金额(元)", "amount", parse_money, kind="money"),
), required=False, help="每项措施一行")

INCOME_FIELDS = ("wage_income", "business_income", "property_income", "transfer_income", "production_expense")


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _fetch(queryset, field, keys):
    """Rows of ``queryset`` whose ``field`` is in ``keys``, queried in batches (SQLite's variable limit)."""
    out = []
    for chunk in _chunks(keys):
        out.extend(queryset.filter(**{f"{field}__in": chunk}))
    return out


class HouseholdImporter(Importer):
    key = "households"
    title = "住户信息"
    sheets = (HOUSEHOLD_SHEET, MEMBER_SHEET, EMPLOYMENT_SHEET, INCOME_SHEET, MEASURE_SHEET)

    # ------------------------------------------------------------------ plan
    def plan(self):
        user = self.user
        area = user.profile.area_code
        self.can_add = user.has_perm("monitoring.add_household")
        self.can_change = user.has_perm("monitoring.change_household")
        if not (self.can_add or self.can_change):
            self.error(None, "", "您的角色无权导入住户信息", sheet="户信息")
            return
        hh_rows = self.rows["户信息"]
        member_rows = self.rows["家庭成员"]
        risk_by_name = {name: code for code, name in RiskType.objects.values_list("code", "name")}

        codes = {r.values["code"] for r in hh_rows if r.values.get("code")}
        refs = codes | {r.values["household"] for s in ("家庭成员", "收入", "帮扶措施") for r in self.rows[s]
                        if r.values.get("household")}
        existing = {h.code: h for h in _fetch(Household.objects.all(), "code", refs)}
        villages = {
            v["code"]: v for v in Village.objects.filter(
                code__in={r.values["village"] for r in hh_rows if r.values.get("village")}
            ).values("code", "county_id")
        }
        sites = defaultdict(dict)
        for site in RelocationSite.objects.values("id", "name", "county_id"):
            sites[site["county_id"]][site["name"]] = site["id"]

        # --- 户信息
        self.households: dict[str, Household] = {}
        self.hh_new, self.hh_changed = [], []
        # Households of the file whose own row has an error: rows that refer to them are not blamed twice.
        self.file_codes = {r.values.get("code") for r in hh_rows}
        self.records_plan = []  # (household code, row values, risk codes)
        seen: dict[str, int] = {}
        for row in hh_rows:
            v = row.values
            code = v.get("code")
            if code in seen:
                self.error(row, "户编号", f"户编号重复（与第 {seen[code]} 行相同）")
                continue
            seen[code] = row.number
            if row.bad:
                continue
            village = villages.get(v["village"])
            if village is None:
                self.error(row, "行政村代码", "行政村代码不存在")
                continue
            if not code_in_area(v["village"], area):
                self.error(row, "行政村代码", "该行政村不在您的管辖范围内")
                continue
            current = existing.get(code)
            if current is not None and not code_in_area(current.village_id, area):
                self.error(row, "户编号", "该户编号已登记在您管辖范围以外的行政村")
                continue
            if current is None and not self.can_add:
                self.error(row, "户编号", "您的角色无权新增农户")
                continue
            site_id = None
            relocated = bool(v.get("is_relocated"))
            if v.get("site"):
                if not relocated:
                    self.error(row, "安置点名称", "只有易地搬迁户才能填写安置点")
                    continue
                site_id = sites[village["county_id"]].get(v["site"])
                if site_id is None:
                    self.error(row, "安置点名称", "本县没有这个安置点")
                    continue
            household_type = v["household_type"]
            fields = dict(
                village_id=v["village"], head_name=v["head_name"], phone=v.get("phone") or "",
                is_poverty_alleviated="脱贫户" in household_type, is_relocated=relocated,
                relocation_site_id=site_id, is_dibao=bool(v.get("is_dibao")), is_tekun=bool(v.get("is_tekun")),
                is_no_labour=bool(v.get("is_no_labour")),
            )
            if not self._plan_record(row, household_type, risk_by_name):
                continue
            if current is None:
                household = Household(code=code, created_by=user, **fields)
                self.hh_new.append(household)
                self.touch(household.village_id)
                self.change("户", code, "新增", fields["head_name"])
            else:
                household = current
                diff = [k for k, val in fields.items() if getattr(current, k) != val]
                if diff:
                    if not self.can_change:
                        self.error(row, "户编号", "您的角色无权修改已有农户")
                        continue
                    self.touch(current.village_id)
                    self.touch(fields["village_id"])
                    for k in diff:
                        setattr(current, k, fields[k])
                    self.hh_changed.append(current)
                    self.change("户", code, "修改", "、".join(Household._meta.get_field(k).verbose_name for k in diff))
                else:
                    self.change("户", code, "不变")
            household._head_id = v["head_id"]
            household._row = row
            self.households[code] = household
        for code, household in existing.items():
            if code not in self.households and code_in_area(household.village_id, area):
                self.households.setdefault(code, household)

        self._plan_members(member_rows, existing)
        self._plan_employments()
        self._plan_incomes()
        self._plan_measures()
        self._plan_records()

    def _plan_record(self, row: Row, household_type: str, risk_by_name) -> bool:
        v = row.values
        monitored = "监测户" in household_type
        if not monitored:
            if v.get("category"):
                self.error(row, "监测对象类别", "户类型不是监测户，不应填写监测对象类别")
                return False
            return True
        ok = True
        for key, header in (("category", "监测对象类别"), ("channel", "识别方式"), ("identified_month", "识别年月")):
            if not v.get(key):
                self.error(row, header, "监测户必须填写")
                ok = False
        risks = []
        try:
            risks = parse_multi(v.get("risk_types"), [(c, n) for n, c in risk_by_name.items()], limit=5)
        except CellError as exc:
            self.error(row, "风险类型", str(exc))
            ok = False
        if v.get("eliminated"):
            for key, header in (("elimination_mode", "风险消除方式"), ("elimination_month", "风险消除年月")):
                if not v.get(key):
                    self.error(row, header, "风险已消除的须填写")
                    ok = False
            if v.get("elimination_month") and v.get("identified_month") and v["elimination_month"] < v["identified_month"]:
                self.error(row, "风险消除年月", "风险消除年月不能早于识别年月")
                ok = False
        elif v.get("elimination_mode") or v.get("elimination_month"):
            self.error(row, "风险是否已消除", "填写了风险消除方式或年月，但“风险是否已消除”不是“是”")
            ok = False
        if ok:
            self.records_plan.append((v["code"], v, risks, row))
        return ok

    def _plan_members(self, member_rows, existing):
        area = self.user.profile.area_code
        ids = {r.values["id_number"] for r in member_rows if r.values.get("id_number")}
        members = {
            m.id_number: m for m in _fetch(Member.objects.select_related("household"), "id_number", ids)
        }
        counts = {}
        known = {h.pk: code for code, h in self.households.items() if h.pk}
        for chunk in _chunks(known):
            for household_id, n in (Member.objects.filter(household_id__in=chunk).values_list("household_id")
                                    .annotate(n=Count("id")).order_by()):
                counts[known[household_id]] = n
        self.member_new, self.member_changed = [], []
        self.members_by_id: dict[str, Member] = {}
        self.jobs = []  # (member, year, values, row, header of the year): employment facts of the file
        self.sizes: dict[str, int] = defaultdict(int)
        for code, n in counts.items():
            self.sizes[code] = n
        seen: dict[str, int] = {}
        heads: dict[str, Row] = {}
        for row in member_rows:
            v = row.values
            number = v.get("id_number")
            if number and number in seen:
                self.error(row, "身份证号", f"身份证号重复（与第 {seen[number]} 行相同）")
                continue
            if number:
                seen[number] = row.number
            if row.bad:
                continue
            household = self.households.get(v["household"])
            if household is None:
                if v["household"] not in self.file_codes:
                    self.error(row, "户编号", "该户不在「户信息」中，也不在您管辖范围内的系统数据中")
                continue
            if v["relation"] == Relation.HEAD:
                if v["household"] in heads:
                    self.error(row, "与户主关系", f"一户只能有一名户主（第 {heads[v['household']].number} 行已是户主）")
                    continue
                heads[v["household"]] = row
                head_id = getattr(household, "_head_id", None)
                if head_id and head_id != number:
                    self.error(row, "身份证号", "与「户信息」中该户的户主身份证号不一致")
                    continue
            if (v.get("location") is None) != (v.get("months") is None):
                self.error(row, "务工时长(月)" if v.get("location") else "务工所在地", "务工所在地与务工时长须同时填写")
                continue
            if v.get("location") is not None and v.get("employment_year") is None:
                # Employment is a fact of a person and a year: never guessed from the day of the upload.
                self.error(row, "务工年度", "填写了务工所在地时须填写务工年度")
                continue
            fields = dict(
                name=v["name"], relation=v["relation"],
                education=v.get("education") or Education.JUNIOR,
                school_status=v.get("school_status") or SchoolStatus.NONE,
                health=v.get("health") or Health.HEALTHY,
                labour_skill=v.get("labour_skill") or LabourSkill.ORDINARY,
                has_medical_insurance=True if v.get("insured") is None else v["insured"],
            )
            current = members.get(number)
            if current is not None:
                if current.household.code != v["household"]:
                    where = (f"户编号 {current.household.code}" if code_in_area(current.household.village_id, area)
                             else "您管辖范围以外的户")
                    self.error(row, "身份证号", f"该身份证号已登记在其他户（{where}），不能重复登记")
                    continue
                diff = [k for k, val in fields.items() if getattr(current, k) != val]
                if diff:
                    for k in diff:
                        setattr(current, k, fields[k])
                    self.member_changed.append(current)
                    self.touch(current.household.village_id)
                    self.change("成员", number, "修改", "、".join(Member._meta.get_field(k).verbose_name for k in diff))
                else:
                    self.change("成员", number, "不变")
                member = current
            else:
                member = Member(household=household, id_number=number, sex=id_sex(number),
                                birth_date=id_birth_date(number), **fields)
                self.member_new.append(member)
                self.touch(household.village_id)
                self.sizes[v["household"]] += 1
                self.change("成员", number, "新增", v["name"])
            self.members_by_id[number] = member
            if v.get("location") is not None:
                self.jobs.append((member, v["employment_year"], v, row, "务工年度"))
        for code, head_row in heads.items():
            household = self.households[code]
            if head_row.values["name"] != household.head_name:
                self.error(head_row, "姓名", f"户主姓名与「户信息」不一致（户信息为 {household.head_name}）")

    def _plan_employments(self):
        """务工 facts of 家庭成员 (its 务工年度) and of 务工就业 (other years), one per person and year."""
        area = self.user.profile.area_code
        extra = {r.values["id_number"] for r in self.rows["务工就业"] if r.values.get("id_number")} - set(
            self.members_by_id)
        for member in _fetch(Member.objects.select_related("household"), "id_number", extra):
            if code_in_area(member.household.village_id, area):
                self.members_by_id[member.id_number] = member
        for row in self.rows["务工就业"]:
            if row.bad:
                continue
            member = self.members_by_id.get(row.values["id_number"])
            if member is None:
                self.error(row, "身份证号", "该人员不在「家庭成员」中，也不在您管辖范围内的系统数据中")
                continue
            self.jobs.append((member, row.values["year"], row.values, row, "年度"))
        existing = {(e.member_id, e.year): e for e in _fetch(
            Employment.objects.all(), "member_id", {m.pk for m, *_ in self.jobs if m.pk})}
        self.employment_new, self.employment_changed = [], []
        seen: dict[tuple[str, int], Row] = {}
        for member, year, v, row, year_header in self.jobs:
            key = (member.id_number, year)
            if key in seen:
                first = seen[key]
                self.error(row, year_header, f"同一人同一年度的务工情况重复（与「{first.sheet}」第 {first.number} 行相同）")
                continue
            seen[key] = row
            fields = dict(location=v["location"], months=v["months"], channel=v.get("channel") or EmploymentChannel.SELF)
            self.upsert("务工", f"{member.id_number} {year} 年", member.household,
                        existing.get((member.pk, year)) if member.pk else None, fields,
                        create=lambda m=member, y=year, f=fields: (m, y, f),
                        new=self.employment_new, changed=self.employment_changed)

    def _household_of(self, row: Row) -> Household | None:
        """The household a row of 收入 / 帮扶措施 / 家庭成员 refers to; an error when it is unknown (unless its
        own 户信息 row is wrong, which is reported already)."""
        household = self.households.get(row.values["household"])
        if household is None and row.values["household"] not in self.file_codes:
            self.error(row, "户编号", "该户不在「户信息」中，也不在您管辖范围内的系统数据中")
        return household

    def _plan_incomes(self):
        hh_ids = [h.pk for h in self.households.values() if h.pk]
        existing = {
            (i.household_id, i.year, i.quarter): i for i in _fetch(IncomeRecord.objects.all(), "household_id", hh_ids)
        }
        self.income_new, self.income_changed = [], []
        for row in self.unique_rows("收入", lambda v: (v.get("household"), v.get("year"), v.get("quarter")), "季度",
                                    "同一户同一季度的收入"):
            v = row.values
            household = self._household_of(row)
            if household is None:
                continue
            fields = {f: v.get(f) or Decimal("0.00") for f in INCOME_FIELDS}
            fields["persons"] = self.sizes.get(household.code) or household.size
            record = IncomeRecord(household=household, year=v["year"], quarter=v["quarter"], **fields)
            record.compute()  # the derived figures are compared too: a new household size changes them
            fields.update(net_income=record.net_income, per_capita_income=record.per_capita_income)
            current = existing.get((household.pk, v["year"], v["quarter"])) if household.pk else None
            self.upsert("收入", f"{household.code} {v['year']}Q{v['quarter']}", household, current, fields,
                        create=lambda r=record: r, new=self.income_new, changed=self.income_changed)

    def _plan_measures(self):
        hh_ids = [h.pk for h in self.households.values() if h.pk]
        existing = {
            (m.household_id, m.measure_type, m.start_date): m
            for m in _fetch(AssistanceMeasure.objects.all(), "household_id", hh_ids)
        }
        self.measure_new, self.measure_changed = [], []
        for row in self.unique_rows("帮扶措施", lambda v: (v.get("household"), v.get("measure_type"), v.get("start_date")),
                                    "开始日期", "同一户同一措施同一开始日期"):
            v = row.values
            household = self._household_of(row)
            if household is None:
                continue
            fields = dict(content=v.get("content") or "", amount=v.get("amount"))
            current = existing.get((household.pk, v["measure_type"], v["start_date"])) if household.pk else None
            self.upsert("帮扶措施", f"{household.code} {MeasureType(v['measure_type']).label} {v['start_date']:%Y-%m-%d}",
                        household, current, fields,
                        create=lambda h=household, f=fields: AssistanceMeasure(
                            household=h, measure_type=v["measure_type"], start_date=v["start_date"], **f),
                        new=self.measure_new, changed=self.measure_changed)

    def _plan_records(self):
        hh_ids = [self.households[c].pk for c, *_ in self.records_plan if self.households.get(c) and self.households[c].pk]
        existing = defaultdict(dict)
        for record in _fetch(MonitoringRecord.objects.prefetch_related("risk_types"), "household_id", hh_ids):
            existing[record.household_id][record.identified_month] = record
        self.record_new, self.record_changed = [], []
        now = timezone.now()
        for code, v, risks, row in self.records_plan:
            household = self.households.get(code)
            if household is None:
                continue
            current = existing.get(household.pk, {}).get(v["identified_month"]) if household.pk else None
            fields = dict(category=v["category"], channel=v["channel"])
            elimination = dict(
                elimination_status=EliminationStatus.APPROVED if v.get("eliminated") else EliminationStatus.NONE,
                elimination_mode=v.get("elimination_mode") or "",
                elimination_month=v.get("elimination_month"),
            )
            label = f"{code} {v['identified_month']:%Y-%m}"
            if current is None:
                if not self.approves and v.get("eliminated"):
                    self.error(row, "风险是否已消除", "新识别的监测对象须经县级审定后才能申请风险消除，请先导入识别信息")
                    continue
                record = MonitoringRecord(household=household, identified_month=v["identified_month"], author=self.user,
                                          **fields)
                if self.approves:
                    record.status = ReviewStatus.APPROVED
                    record.county_reviewer, record.approved_at = self.user, now
                    for k, val in elimination.items():
                        setattr(record, k, val)
                    if v.get("eliminated"):
                        record.elimination_county_reviewer, record.eliminated_at = self.user, now
                        record._eliminated_now = True
                else:
                    record.status = ReviewStatus.SUBMITTED
                    record.submitted_at = now
                record._risks = risks
                self.record_new.append(record)
                self.touch(household.village_id)
                self.change("监测记录", label, "新增", record.get_status_display())
                continue
            old_risks = sorted(r.code for r in current.risk_types.all())
            elimination, approving = self._elimination_change(row, current, v)
            if elimination is None:
                continue
            differs = [k for k, val in {**fields, **elimination}.items() if getattr(current, k) != val]
            if not differs and old_risks == sorted(risks):
                self.change("监测记录", label, "不变")
                continue
            if not self.approves:
                self.error(row, "监测对象类别", "该户的监测记录已进入审核流程，修改请在系统中走审核流程")
                continue
            for k, val in {**fields, **elimination}.items():
                setattr(current, k, val)
            if approving:
                current.elimination_county_reviewer, current.eliminated_at = self.user, now
                current._eliminated_now = True
            current._risks = risks
            current._risks_changed = old_risks != sorted(risks)
            self.record_changed.append(current)
            self.touch(household.village_id)
            self.change("监测记录", label, "修改", "风险消除：县级审定（导入）" if approving else "")

    def _elimination_change(self, row: Row, current: MonitoringRecord, v) -> tuple[dict | None, bool]:
        """What the file's 风险是否已消除 may change on an existing record: ({field: value}, approving) or
        (None, False) after an error. The file can say 是 (risk eliminated, county-approved) or 否; a state it
        cannot express (an application under review, a returned one) is kept, and an import never moves a
        record back: only the step a county reviewer could take on the page — approving the elimination of a
        county-approved record — is allowed, and listed in the preview."""
        state = current.elimination_status
        said = bool(v.get("eliminated"))
        details = dict(elimination_mode=v.get("elimination_mode") or "", elimination_month=v.get("elimination_month"))
        if state == EliminationStatus.APPROVED:
            if not said:
                self.error(row, "风险是否已消除", "该户风险已消除（县级已审定），导入不能撤销；如需撤销请在系统中办理")
                return None, False
            return details, False
        if not said:
            return {}, False  # nothing to eliminate; a pending or returned application stays as it is
        if state in (EliminationStatus.SUBMITTED, EliminationStatus.TOWNSHIP_APPROVED):
            self.error(row, "风险是否已消除", f"该户的风险消除申请正在审核中（{current.get_elimination_status_display()}），"
                                        "导入不改变审核状态，请在系统中审核")
            return None, False
        if not self.approves:
            self.error(row, "风险是否已消除", "风险消除须经审核，请在系统中提出风险消除申请")
            return None, False
        if current.status != ReviewStatus.APPROVED:
            self.error(row, "风险是否已消除", f"该户的识别尚未经县级审定（{current.get_status_display()}），不能导入风险消除")
            return None, False
        return {"elimination_status": EliminationStatus.APPROVED, **details}, True

    # ------------------------------------------------------------------ write
    def write(self):
        user = self.user
        history = dict(default_user=user, default_change_reason="Excel 导入")
        if self.hh_new:
            bulk_create_with_history(self.hh_new, Household, batch_size=BATCH, **history)
            # bulk_create fills primary keys on PostgreSQL and SQLite ≥ 3.35; fetch them where it does not.
            missing = [h for h in self.hh_new if h.pk is None]
            if missing:
                ids = dict(Household.objects.filter(code__in=[h.code for h in missing]).values_list("code", "id"))
                for h in missing:
                    h.pk = h.id = ids[h.code]
        if self.hh_changed:
            versions_up(self.hh_changed)
            bulk_update_with_history(self.hh_changed, Household, ["village", "head_name", "phone",
                                     "is_poverty_alleviated", "is_relocated", "relocation_site", "is_dibao", "is_tekun",
                                     "is_no_labour", "version"], batch_size=BATCH, **history)
        for member in self.member_new:
            member.household_id = member.household.pk
        if self.member_new:
            bulk_create_with_history(self.member_new, Member, batch_size=BATCH, **history)
        if self.member_changed:
            versions_up(self.member_changed)
            bulk_update_with_history(self.member_changed, Member, ["name", "relation", "education", "school_status",
                                     "health", "labour_skill", "has_medical_insurance", "version"],
                                     batch_size=BATCH, **history)
        if self.employment_new:
            objs = [Employment(member_id=m.pk, year=year, **f) for m, year, f in self.employment_new]
            bulk_create_with_history(objs, Employment, batch_size=BATCH, **history)
        if self.employment_changed:
            bulk_update_with_history(self.employment_changed, Employment, ["location", "months", "channel"],
                                     batch_size=BATCH, **history)
        # Household size = its members (the importer never removes a member, so new ones add to it).
        resized = [h for code, h in self.households.items() if code in self.sizes and h.size != self.sizes[code]]
        for h in resized:
            h.size = self.sizes[h.code]
        if resized:
            versioned = {h.pk for h in self.hh_changed}
            versions_up([h for h in resized if h.pk not in versioned])
            Household.objects.bulk_update(resized, ["size", "version"], batch_size=BATCH)
        for record in self.income_new:
            record.household_id = record.household.pk
        if self.income_new:
            bulk_create_with_history(self.income_new, IncomeRecord, batch_size=BATCH, **history)
        if self.income_changed:
            bulk_update_with_history(self.income_changed, IncomeRecord, [*INCOME_FIELDS, "net_income", "persons",
                                     "per_capita_income"], batch_size=BATCH, **history)
        for measure in self.measure_new:
            measure.household_id = measure.household.pk
        if self.measure_new:
            bulk_create_with_history(self.measure_new, AssistanceMeasure, batch_size=BATCH, **history)
        if self.measure_changed:
            bulk_update_with_history(self.measure_changed, AssistanceMeasure, ["content", "amount"],
                                     batch_size=BATCH, **history)
        self._write_records(history)
        # Bulk writes send no signals: tell the dashboard which villages' summaries are stale.
        summaries_invalidate(village_codes=self.touched_villages)

    def _write_records(self, history):
        for record in self.record_new:
            record.household_id = record.household.pk
        if self.record_new:
            bulk_create_with_history(self.record_new, MonitoringRecord, batch_size=BATCH, **history)
            missing = [r for r in self.record_new if r.pk is None]
            if missing:
                found = {
                    (r.household_id, r.identified_month): r.pk
                    for r in MonitoringRecord.objects.filter(household_id__in=[m.household_id for m in missing])
                }
                for r in missing:
                    r.pk = r.id = found[(r.household_id, r.identified_month)]
        if self.record_changed:
            versions_up(self.record_changed)
            bulk_update_with_history(self.record_changed, MonitoringRecord, ["version",
                "category", "channel", "status", "county_reviewer", "approved_at", "elimination_status",
                "elimination_mode", "elimination_month", "elimination_county_reviewer", "eliminated_at",
            ], batch_size=BATCH, **history)
        # The review trail: an imported identification is logged as submitted, or as county-approved.
        now = timezone.now()
        events = [
            ReviewEvent(record_id=r.pk, stage=ReviewStage.IDENTIFICATION, user=self.user, at=now,
                        action=ReviewAction.COUNTY_APPROVE if r.status == ReviewStatus.APPROVED else ReviewAction.SUBMIT,
                        comment="Excel 导入")
            for r in self.record_new
        ] + [
            ReviewEvent(record_id=r.pk, stage=ReviewStage.ELIMINATION, user=self.user, at=now,
                        action=ReviewAction.COUNTY_APPROVE, comment="Excel 导入")
            for r in [*self.record_new, *self.record_changed]
            if getattr(r, "_eliminated_now", False)
        ]
        ReviewEvent.objects.bulk_create(events, batch_size=BATCH)
        through = MonitoringRecord.risk_types.through
        changed_risks = [r for r in self.record_changed if getattr(r, "_risks_changed", False)]
        if changed_risks:
            through.objects.filter(monitoringrecord_id__in=[r.pk for r in changed_risks]).delete()
        links = [
            through(monitoringrecord_id=r.pk, risktype_id=code)
            for r in [*self.record_new, *changed_risks] for code in r._risks
        ]
        if links:
            through.objects.bulk_create(links, batch_size=BATCH)
        approved = {r.household_id for r in [*self.record_new, *self.record_changed] if r.status == ReviewStatus.APPROVED}
        for chunk in _chunks(approved):
            Household.objects.filter(pk__in=chunk, is_monitored=False).update(is_monitored=True)
