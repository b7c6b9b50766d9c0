"""住户信息 workbook: households (户信息), members (家庭成员), employment (务工就业), income (收入),
assistance measures (帮扶措施).

Keys: a household by 户编号, a member by 身份证号 (unique in the whole city), employment by 身份证号 + 年度,
income by 户编号 + 年度 + 季度, a measure by 户编号 + 措施类型 + 开始日期, a monitoring identification by
户编号 + 识别年月.

The importer parses and plans: it names every row's problem for the preview and works out what is new,
changed or unchanged (one query per kind of lookup). Writing is ``monitoring.services.households_import``,
which owns the rules (scope, 户编号, derived values, workflow, versions, history) and checks the whole plan
again before it writes in bulk.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.db.models import Count

from accounts.scoping import user_covers_area
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
    MeasureType,
    MonitoringCategory,
    MonitoringRecord,
    Relation,
    ReviewStatus,
    RiskType,
    SchoolStatus,
    WorkLocation,
    household_code_error,
)
from monitoring.services import (
    EMPLOYMENT_IMPORT_FIELDS,
    INCOME_IMPORT_FIELDS,
    HouseholdImportPlan,
    NewEmployment,
    NewMember,
    households_import,
    import_may_change_record,
    imports_as_approved,
)
from villages.models import RelocationSite, Village

from ..reading import CellError, clean_text, parse_bool, parse_code, parse_date, parse_int, parse_money, parse_month, parse_multi
from .base import (BATCH, Col, Importer, Row, RowAt, SheetDef, chunks, choice, fetch, labels, parse_id, parse_phone,
                   text_of)

HOUSEHOLD_TYPES = ("脱贫户", "监测户", "脱贫户、监测户", "一般农户")


def parse_household_type(value) -> str:
    text = clean_text(value).replace(",", "、").replace("，", "、")
    if text not in HOUSEHOLD_TYPES:
        raise CellError(f"不在允许的取值中（{'、'.join(HOUSEHOLD_TYPES)}）")
    return text


HOUSEHOLD_SHEET = SheetDef("户信息", (
    Col("户编号", "code", text_of(30), required=True, help="全市唯一的户编号（与国家防返贫监测系统一致）"),
    Col("行政村代码", "village", partial(parse_code, digits=(12,)), required=True, help="12 位统计用区划代码"),
    Col("户主姓名", "head_name", text_of(50), required=True),
    Col("户主身份证号", "head_id", parse_id, required=True, help="18 位，校验位须正确；全角数字会自动转换"),
    Col("联系电话", "phone", parse_phone),
    Col("户类型", "household_type", parse_household_type, required=True, choices=HOUSEHOLD_TYPES),
    Col("监测对象类别", "category", choice(MonitoringCategory.choices), choices=labels(MonitoringCategory.choices),
        help="监测户必填；一般农户、未纳入监测的脱贫户留空"),
    Col("识别方式", "channel", choice(IdentificationChannel.choices), choices=labels(IdentificationChannel.choices)),
    Col("识别年月", "identified_month", parse_month, help="YYYY-MM", kind="month"),
    Col("风险类型", "risk_types", clean_text, help="最多 5 项，用“、”分隔"),
    Col("风险是否已消除", "eliminated", parse_bool, choices=("是", "否")),
    Col("风险消除方式", "elimination_mode", choice(EliminationMode.choices), choices=labels(EliminationMode.choices)),
    Col("风险消除年月", "elimination_month", parse_month, help="YYYY-MM", kind="month"),
    Col("是否易地搬迁户", "is_relocated", parse_bool, choices=("是", "否")),
    Col("安置点名称", "site", text_of(100), help="易地搬迁户填写，须为本县已登记的安置点"),
    Col("享受低保", "is_dibao", parse_bool, choices=("是", "否")),
    Col("特困供养", "is_tekun", parse_bool, choices=("是", "否")),
    Col("整户无劳动能力", "is_no_labour", parse_bool, choices=("是", "否")),
), help="每户一行")

MEMBER_SHEET = SheetDef("家庭成员", (
    Col("户编号", "household", text_of(30), required=True, help="须在「户信息」中或系统中已有"),
    Col("姓名", "name", text_of(50), required=True),
    Col("身份证号", "id_number", parse_id, required=True, help="18 位，全市唯一"),
    Col("与户主关系", "relation", choice(Relation.choices), required=True, choices=labels(Relation.choices)),
    Col("文化程度", "education", choice(Education.choices), choices=labels(Education.choices)),
    Col("在校生状况", "school_status", choice(SchoolStatus.choices), choices=labels(SchoolStatus.choices)),
    Col("健康状况", "health", choice(Health.choices), choices=labels(Health.choices)),
    Col("劳动技能", "labour_skill", choice(LabourSkill.choices), choices=labels(LabourSkill.choices)),
    Col("务工所在地", "location", choice(WorkLocation.choices), choices=labels(WorkLocation.choices)),
    Col("务工时长(月)", "months", partial(parse_int, minimum=1, maximum=12), help="1–12", kind="int"),
    Col("就业渠道", "channel", choice(EmploymentChannel.choices), choices=labels(EmploymentChannel.choices)),
    Col("参加基本医疗保险", "insured", parse_bool, choices=("是", "否")),
    Col("务工年度", "employment_year", partial(parse_int, minimum=2015, maximum=2100), kind="int",
        help="务工所在地、务工时长、就业渠道所指的年度（填写务工所在地时必填）；其他年度填在「务工就业」表"),
), help="每人一行")

EMPLOYMENT_SHEET = SheetDef("务工就业", (
    Col("身份证号", "id_number", parse_id, required=True, help="须在「家庭成员」中或系统中已有"),
    Col("年度", "year", partial(parse_int, minimum=2015, maximum=2100), required=True, kind="int"),
    Col("务工所在地", "location", choice(WorkLocation.choices), required=True, choices=labels(WorkLocation.choices)),
    Col("务工时长(月)", "months", partial(parse_int, minimum=1, maximum=12), required=True, help="1–12", kind="int"),
    Col("就业渠道", "channel", choice(EmploymentChannel.choices), choices=labels(EmploymentChannel.choices)),
), required=False, help="可选；同一人其他年度的务工情况，每人每年一行")

INCOME_SHEET = SheetDef("收入", (
    Col("户编号", "household", text_of(30), required=True),
    Col("年度", "year", partial(parse_int, minimum=2015, maximum=2100), required=True, kind="int"),
    Col("季度", "quarter", partial(parse_int, minimum=1, maximum=4), required=True, help="1–4，4 为全年", kind="int"),
    Col("工资性收入", "wage_income", parse_money, help="元，自 1 月累计至季度末", kind="money"),
    Col("经营性收入", "business_income", parse_money, kind="money"),
    Col("财产性收入", "property_income", parse_money, kind="money"),
    Col("转移性收入", "transfer_income", parse_money, kind="money"),
    Col("生产经营性支出", "production_expense", parse_money, kind="money"),
), required=False, help="每户每季度一行")

MEASURE_SHEET = SheetDef("帮扶措施", (
    Col("户编号", "household", text_of(30), required=True),
    Col("措施类型", "measure_type", choice(MeasureType.choices), required=True, choices=labels(MeasureType.choices)),
    Col("措施内容", "content", text_of(200)),
    Col("开始日期", "start_date", parse_date, required=True, help="YYYY-MM-DD", kind="date"),
    Col("金额(元)", "amount", parse_money, kind="money"),
), required=False, help="每项措施一行")


class HouseholdImporter(Importer):
    key = "households"
    title = "住户信息"
    sheets = (HOUSEHOLD_SHEET, MEMBER_SHEET, EMPLOYMENT_SHEET, INCOME_SHEET, MEASURE_SHEET)
    streamed = ("家庭成员",)  # planned once 户信息 is: a member row needs only the household map

    def plan(self):
        user = self.user
        self.can_add = user.has_perm("monitoring.add_household")
        self.can_change = user.has_perm("monitoring.change_household")
        if not (self.can_add or self.can_change):
            self.error(None, "", "您的角色无权导入住户信息", sheet="户信息")
            return
        self.approves = imports_as_approved(user)
        self.todo = HouseholdImportPlan()
        refs = {r.values["household"] for s in ("收入", "帮扶措施") for r in self.rows[s] if r.values.get("household")}
        existing = {h.code: h for h in fetch(Household.objects.all(), "code",
                                             refs | {r.values["code"] for r in self.rows["户信息"] if r.values.get("code")})}
        self.households: dict[str, Household] = {}
        # Households of the file whose own row has an error: rows that refer to them are not blamed twice.
        self.file_codes = {r.values.get("code") for r in self.rows["户信息"]}
        self.looked_up = set(existing)  # 户编号 already asked of the database (the members' are asked batch by batch)
        self.records_plan = []  # (household code, row values, risk codes, row)
        self._plan_households(existing)
        for code, household in existing.items():
            if code not in self.households and user_covers_area(user, household.village_id):
                self.households[code] = household
        self._plan_members()
        self._plan_employments()
        self._plan_incomes()
        self._plan_measures()
        self._plan_records()

    def write(self):
        villages = households_import(user=self.user, plan=self.todo)
        summaries_invalidate(village_codes=villages)  # bulk writes send no signals

    # ------------------------------------------------------------------ 户信息
    def _plan_households(self, existing):
        rows = self.rows["户信息"]
        risk_by_name = {name: code for code, name in RiskType.objects.values_list("code", "name")}
        villages = dict(Village.objects.filter(code__in={r.values["village"] for r in rows if r.values.get("village")})
                        .values_list("code", "county_id"))
        sites = defaultdict(dict)
        for site in RelocationSite.objects.values("id", "name", "county_id"):
            sites[site["county_id"]][site["name"]] = site["id"]
        for row in self.unique_rows("户信息", lambda v: v.get("code"), "户编号", "户编号"):
            v, code = row.values, row.values["code"]
            current = existing.get(code)
            problem = self._household_problem(v, current, villages)
            if problem:
                self.error(row, *problem)
                continue
            site_id = None
            if v.get("site"):
                site_id = sites[villages[v["village"]]].get(v["site"])
                if site_id is None:
                    self.error(row, "安置点名称", "本县没有这个安置点")
                    continue
            fields = dict(
                village_id=v["village"], head_name=v["head_name"], phone=v.get("phone") or "",
                is_poverty_alleviated="脱贫户" in v["household_type"], is_relocated=bool(v.get("is_relocated")),
                relocation_site_id=site_id, is_dibao=bool(v.get("is_dibao")), is_tekun=bool(v.get("is_tekun")),
                is_no_labour=bool(v.get("is_no_labour")),
            )
            if not self._plan_record(row, v["household_type"], risk_by_name):
                continue
            if current is not None and not self.can_change and any(getattr(current, k) != x for k, x in fields.items()):
                self.error(row, "户编号", "您的角色无权修改已有农户")
                continue
            self.upsert("户", code, current, fields, create=lambda f=fields: Household(code=code, **f),
                        new=self.todo.households_new, changed=self.todo.households_changed)
            household = current or self.todo.households_new[-1]
            household._head_id = v["head_id"]
            self.households[code] = household

    def _household_problem(self, v, current, villages) -> tuple[str, str] | None:
        """(column, reason) when the 户信息 row cannot be written as it is."""
        if v["village"] not in villages:
            return "行政村代码", "行政村代码不存在"
        if not user_covers_area(self.user, v["village"]):
            return "行政村代码", "该行政村不在您的管辖范围内"
        if current is not None and not user_covers_area(self.user, current.village_id):
            return "户编号", "该户编号已登记在您管辖范围以外的行政村"
        if current is None and not self.can_add:
            return "户编号", "您的角色无权新增农户"
        message = household_code_error(v["code"], v["village"])
        if message:
            return "户编号", message
        if v.get("site") and not v.get("is_relocated"):
            return "安置点名称", "只有易地搬迁户才能填写安置点"
        return None

    def _plan_record(self, row: Row, household_type: str, risk_by_name) -> bool:
        v = row.values
        if "监测户" not in household_type:
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

    # ------------------------------------------------------------------ 家庭成员, 务工就业
    def _plan_members(self):
        """家庭成员 is streamed (import-templates.md allows 200,000 rows): a batch of rows at a time is checked
        and planned, then freed; what outlives a row is its key (for repeated 身份证号), its planned member and
        its employment fact."""
        # The household size as it will be (for the income figures of the preview; the service sets it).
        self.sizes: dict[str, int] = defaultdict(int)
        self._count_members(self.households.values())
        self.members_by_id: dict[str, Member] = {}
        self.jobs = []  # (member, year, values, row or RowAt, header of the year): employment facts of the file
        self._heads: dict[str, int] = {}  # 户编号 → row number of its 户主 in 家庭成员
        self._seen_ids: dict[str, int] = {}
        batch: list[Row] = []
        for row in self.stream("家庭成员"):
            batch.append(row)
            if len(batch) == BATCH:
                self._plan_member_batch(batch)
                batch = []
        self._plan_member_batch(batch)
        del self._seen_ids, self._heads

    def _count_members(self, households):
        """Stored members of the ``households`` (those with a pk) into ``self.sizes``."""
        known = {h.pk: h.code for h in households if h.pk}
        for chunk in chunks(known):
            for household_id, n in (Member.objects.filter(household_id__in=chunk).values_list("household_id")
                                    .annotate(n=Count("id")).order_by()):
                self.sizes[known[household_id]] = n

    def _load_households(self, codes):
        """Stored households of ``codes`` not asked before, added to the map when in the user's area."""
        codes = set(codes) - self.looked_up
        self.looked_up |= codes
        added = [h for h in fetch(Household.objects.all(), "code", codes) if user_covers_area(self.user, h.village_id)]
        for household in added:
            self.households[household.code] = household
        self._count_members(added)

    def _plan_member_batch(self, rows: list[Row]):
        unique = []
        for row in rows:  # a repeated 身份证号 names the first row (as ``unique_rows``)
            key = row.values.get("id_number")
            if key:
                if key in self._seen_ids:
                    self.error(row, "身份证号", f"身份证号重复（与第 {self._seen_ids[key]} 行相同）")
                    continue
                self._seen_ids[key] = row.number
            if not row.bad:
                unique.append(row)
        self._load_households({r.values["household"] for r in unique})
        members = {m.id_number: m for m in fetch(Member.objects.select_related("household"), "id_number",
                                                 {r.values["id_number"] for r in unique})}
        for row in unique:
            v = row.values
            household = self._household_of(row)
            if household is None or not self._member_row_ok(row, household):
                continue
            fields = dict(
                name=v["name"], relation=v["relation"], education=v.get("education") or Education.JUNIOR,
                school_status=v.get("school_status") or SchoolStatus.NONE, health=v.get("health") or Health.HEALTHY,
                labour_skill=v.get("labour_skill") or LabourSkill.ORDINARY,
                has_medical_insurance=True if v.get("insured") is None else v["insured"],
            )
            current = members.get(v["id_number"])
            if current is not None and current.household.code != v["household"]:
                where = (f"户编号 {current.household.code}" if user_covers_area(self.user, current.household.village_id)
                         else "您管辖范围以外的户")
                self.error(row, "身份证号", f"该身份证号已登记在其他户（{where}），不能重复登记")
                continue
            self.upsert("成员", v["id_number"], current, fields,
                        create=lambda h=household, f=fields: NewMember(household=h, id_number=v["id_number"], **f),
                        new=self.todo.members_new, changed=self.todo.members_changed)
            if current is None:
                self.sizes[v["household"]] += 1
            member = current or self.todo.members_new[-1]
            self.members_by_id[member.id_number] = member
            if v.get("location") is not None:
                job = {"location": v["location"], "months": v["months"], "channel": v.get("channel")}
                self.jobs.append((member, v["employment_year"], job, RowAt(row.sheet, row.number), "务工年度"))

    def _member_row_ok(self, row: Row, household: Household) -> bool:
        v = row.values
        if v["relation"] == Relation.HEAD:
            if v["household"] in self._heads:
                self.error(row, "与户主关系", f"一户只能有一名户主（第 {self._heads[v['household']]} 行已是户主）")
                return False
            self._heads[v["household"]] = row.number
            head_id = getattr(household, "_head_id", None)
            other_id = bool(head_id) and head_id != v["id_number"]
            if other_id:
                self.error(row, "身份证号", "与「户信息」中该户的户主身份证号不一致")
            if v["name"] != household.head_name:  # an error of its own: the row's other facts are still checked
                self.error(row, "姓名", f"户主姓名与「户信息」不一致（户信息为 {household.head_name}）")
            if other_id:
                return False
        if (v.get("location") is None) != (v.get("months") is None):
            self.error(row, "务工时长(月)" if v.get("location") else "务工所在地", "务工所在地与务工时长须同时填写")
            return False
        if v.get("location") is not None and v.get("employment_year") is None:
            # Employment is a fact of a person and a year: never guessed from the day of the upload.
            self.error(row, "务工年度", "填写了务工所在地时须填写务工年度")
            return False
        return True

    def _plan_employments(self):
        """务工 facts of 家庭成员 (its 务工年度) and of 务工就业 (other years), one per person and year."""
        extra = {r.values["id_number"] for r in self.rows["务工就业"] if r.values.get("id_number")} - set(
            self.members_by_id)
        for member in fetch(Member.objects.select_related("household"), "id_number", extra):
            if user_covers_area(self.user, member.household.village_id):
                self.members_by_id[member.id_number] = member
        for row in self.rows["务工就业"]:
            if row.bad:
                continue
            member = self.members_by_id.get(row.values["id_number"])
            if member is None:
                self.error(row, "身份证号", "该人员不在「家庭成员」中，也不在您管辖范围内的系统数据中")
                continue
            self.jobs.append((member, row.values["year"], row.values, row, "年度"))
        existing = {(e.member_id, e.year): e for e in fetch(
            Employment.objects.select_related("member__household"), "member_id",
            {m.pk for m, *_ in self.jobs if getattr(m, "pk", None)})}
        seen: dict[tuple[str, int], Row] = {}
        for member, year, v, row, year_header in self.jobs:
            key = (member.id_number, year)
            if key in seen:
                first = seen[key]
                self.error(row, year_header, f"同一人同一年度的务工情况重复（与「{first.sheet}」第 {first.number} 行相同）")
                continue
            seen[key] = row
            fields = dict(location=v["location"], months=v["months"], channel=v.get("channel") or EmploymentChannel.SELF)
            assert tuple(fields) == EMPLOYMENT_IMPORT_FIELDS
            self.upsert("务工", f"{member.id_number} {year} 年", existing.get((getattr(member, "pk", None), year)),
                        fields, create=lambda m=member, y=year, f=fields: NewEmployment(m.id_number, y, **f),
                        new=self.todo.employments_new, changed=self.todo.employments_changed)

    # ------------------------------------------------------------------ 收入, 帮扶措施: rows of a household
    def _household_of(self, row: Row) -> Household | None:
        """The household a row of 家庭成员 / 收入 / 帮扶措施 refers to; an error when it is unknown (unless its
        own 户信息 row is wrong, which is reported already)."""
        household = self.households.get(row.values["household"])
        if household is None and row.values["household"] not in self.file_codes:
            self.error(row, "户编号", "该户不在「户信息」中，也不在您管辖范围内的系统数据中")
        return household

    def _plan_household_rows(self, sheet: str, model, key: tuple[str, ...], header: str, what: str, fields_of,
                             label_of, new: list, changed: list):
        """Plan a sheet of rows that belong to a household and are keyed by (户编号, *key): each row is new,
        changed or unchanged against the stored rows of the same key."""
        stored = {(r.household_id, *(getattr(r, k) for k in key)): r for r in fetch(
            model.objects.all(), "household_id", [h.pk for h in self.households.values() if h.pk])}
        for row in self.unique_rows(sheet, lambda v: (v.get("household"), *(v.get(k) for k in key)), header, what):
            household = self._household_of(row)
            if household is None:
                continue
            ident = {k: row.values[k] for k in key}
            fields = fields_of(row.values, household, ident)
            current = stored.get((household.pk, *ident.values())) if household.pk else None
            self.upsert(sheet, label_of(household, row.values), current, fields,
                        create=lambda h=household, i=ident, f=fields: model(household=h, **i, **f),
                        new=new, changed=changed)

    def _plan_incomes(self):
        def fields_of(v, household, ident):
            fields = {f: v.get(f) or Decimal("0.00") for f in INCOME_IMPORT_FIELDS}
            fields["persons"] = self.sizes.get(household.code) or household.size
            record = IncomeRecord(**fields)
            record.compute()  # the derived figures are compared too: a new household size changes them
            return {**fields, "net_income": record.net_income, "per_capita_income": record.per_capita_income}

        self._plan_household_rows("收入", IncomeRecord, ("year", "quarter"), "季度", "同一户同一季度的收入", fields_of,
                                  lambda h, v: f"{h.code} {v['year']}Q{v['quarter']}",
                                  self.todo.incomes_new, self.todo.incomes_changed)

    def _plan_measures(self):
        self._plan_household_rows(
            "帮扶措施", AssistanceMeasure, ("measure_type", "start_date"), "开始日期", "同一户同一措施同一开始日期",
            lambda v, h, i: dict(content=v.get("content") or "", amount=v.get("amount")),
            lambda h, v: f"{h.code} {MeasureType(v['measure_type']).label} {v['start_date']:%Y-%m-%d}",
            self.todo.measures_new, self.todo.measures_changed)

    # ------------------------------------------------------------------ monitoring records
    def _plan_records(self):
        hh_ids = [self.households[c].pk for c, *_ in self.records_plan if c in self.households and self.households[c].pk]
        existing = defaultdict(dict)
        for record in fetch(MonitoringRecord.objects.prefetch_related("risk_types"), "household_id", hh_ids):
            existing[record.household_id][record.identified_month] = record
        for code, v, risks, row in self.records_plan:
            household = self.households.get(code)
            if household is None:
                continue
            current = existing.get(household.pk, {}).get(v["identified_month"]) if household.pk else None
            label = f"{code} {v['identified_month']:%Y-%m}"
            if current is None:
                if not self.approves and v.get("eliminated"):
                    self.error(row, "风险是否已消除", "新识别的监测对象须经县级审定后才能申请风险消除，请先导入识别信息")
                    continue
                record = MonitoringRecord(household=household, identified_month=v["identified_month"],
                                          category=v["category"], channel=v["channel"],
                                          elimination_mode=v.get("elimination_mode") or "",
                                          elimination_month=v.get("elimination_month"))
                record._risks, record._eliminated = risks, bool(v.get("eliminated"))
                self.todo.records_new.append(record)
                self.change("监测记录", label, "新增", (ReviewStatus.APPROVED if self.approves
                                                      else ReviewStatus.SUBMITTED).label)
                continue
            old_risks = sorted(r.code for r in current.risk_types.all())
            elimination, approving = self._elimination_change(row, current, v)
            if elimination is None:
                continue
            fields = dict(category=v["category"], channel=v["channel"], **elimination)
            if not [k for k, val in fields.items() if getattr(current, k) != val] and old_risks == sorted(risks):
                self.change("监测记录", label, "不变")
                continue
            if not import_may_change_record(user=self.user, record=current):
                self.error(row, "监测对象类别", "该户的监测记录已进入审核流程，修改请在系统中走审核流程")
                continue
            for k, val in fields.items():
                setattr(current, k, val)
            current._risks = risks if old_risks != sorted(risks) else None
            self.todo.records_changed.append(current)
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
