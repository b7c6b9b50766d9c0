"""What each dashboard page shows: its KPI cards, its charts and the columns of its comparison table."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str  # URL name
    title: str
    kpis: tuple[str, ...]  # metric keys of the cards
    charts: tuple[str, ...]  # dashboard.charts names
    table: tuple[str, ...]  # metric keys of the comparison table's columns
    breakdowns: tuple[str, ...] = ()  # breakdown metrics shown as small lists
    compare: bool = False  # cards show the change against the same quarter of the year before


HOME = Page(
    name="home",
    title="首页",
    kpis=(
        "monitoring.households", "monitoring.persons", "monitoring.households_eliminated", "income.per_capita",
        "income.per_capita_growth_pct", "employment.labor_force", "employment.migrant_workers",
        "employment.migrant_completion_pct", "teams.count", "teams.members", "issues.total", "issues.rectified_pct",
    ),
    charts=(
        "monitoring-by-area", "monitoring-by-category", "monitoring-by-risk", "income-by-area", "migrants-by-area",
        "issues-by-status", "issues-by-area", "attendance-by-area",
    ),
    table=(
        "monitoring.households", "monitoring.persons", "monitoring.households_eliminated", "income.per_capita",
        "income.per_capita_growth_pct", "employment.migrant_workers", "employment.migrant_completion_pct",
        "teams.count", "issues.total", "issues.overdue",
    ),
    compare=True,
)

SECTIONS = {
    "monitoring": Page(
        name="monitoring",
        title="监测帮扶",
        kpis=(
            "monitoring.households", "monitoring.persons", "monitoring.households_eliminated",
            "monitoring.persons_eliminated", "monitoring.households_at_risk", "monitoring.measure_coverage_pct",
            "income.below_threshold_households",
            "screening.warnings", "screening.warnings_verified", "screening.warnings_to_monitoring",
            "screening.warnings_overdue",
        ),
        charts=("monitoring-by-area", "monitoring-by-category", "monitoring-by-risk", "monitoring-by-channel"),
        table=(
            "monitoring.households", "monitoring.persons", "monitoring.households_eliminated",
            "monitoring.persons_eliminated", "monitoring.households_at_risk", "monitoring.measure_coverage_pct",
        ),
        breakdowns=("monitoring.by_category", "monitoring.by_risk", "monitoring.by_channel"),
    ),
    "income": Page(
        name="income",
        title="收入就业",
        kpis=(
            "income.per_capita", "income.per_capita_growth_pct", "income.relocated_growth_pct",
            "income.below_threshold_households", "employment.labor_force", "employment.migrant_workers",
            "employment.migrant_target", "employment.migrant_completion_pct", "employment.workshops",
            "employment.workshop_jobs", "employment.workshop_poverty_jobs", "employment.pv_stations",
            "employment.pv_income", "employment.pv_posts", "employment.pv_beneficiaries",
            "employment.relocated_households_jobless", "funds.linkage", "funds.unit_assistance", "funds.unit_projects",
            "consumption.platforms", "consumption.sales", "consumption.beneficiaries",
            "collective.villages_over_100k_pct", "collective.villages_over_300k", "collective.villages_over_300k_pct",
            "collective.cooperatives", "collective.trusteeship_services", "policy.dibao_standard",
        ),
        charts=("income-by-area", "migrants-by-area", "workshops-by-area"),
        table=(
            "income.per_capita", "income.per_capita_growth_pct", "employment.labor_force",
            "employment.migrant_workers", "employment.migrant_target", "employment.migrant_completion_pct",
            "employment.workshops", "employment.workshop_jobs", "employment.pv_stations", "funds.linkage",
            "collective.villages_over_300k",
        ),
    ),
    "teams": Page(
        name="teams",
        title="驻村帮扶",
        kpis=(
            "teams.count", "teams.members", "teams.attendance_pct", "teams.training_person_times",
            "teams.peer_sessions", "teams.inspection_reports", "teams.inspection_issues",
        ),
        charts=("teams-by-area", "attendance-by-area", "teams-by-station"),
        table=("teams.count", "teams.members", "teams.attendance_pct", "teams.inspection_reports",
               "teams.inspection_issues"),
        breakdowns=("teams.by_station",),
    ),
    "issues": Page(
        name="issues",
        title="问题整改",
        kpis=(
            "issues.total", "issues.screening", "teams.inspection_issues", "issues.aspects", "issues.categories",
            "issues.letters", "issues.rectified", "issues.in_progress", "issues.overdue", "issues.rectified_pct",
            "issues.avg_days",
        ),
        charts=("issues-by-status", "issues-by-area"),
        table=("issues.total", "issues.screening", "issues.rectified", "issues.in_progress", "issues.overdue",
               "issues.rectified_pct", "issues.avg_days"),
    ),
}

NAV = [("home", "首页"), *((page.name, page.title) for page in SECTIONS.values())]
