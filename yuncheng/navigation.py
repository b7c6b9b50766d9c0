"""The menu a user sees, decided by the very rule that guards each page.

A page says who may open it (``RoleRequiredMixin.allowed_roles``, or the admin's own staff check); the
menu asks the page, through :func:`user_may_open`, instead of keeping a second list of roles. So a menu
never offers a page that answers 403, and a page whose roles change takes its menu entry with it."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import resolve, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    # The views that light this entry up: the exact view name, or every view of an app ("app:").
    section: str = ""

    def is_active(self, view_name: str) -> bool:
        if self.section.endswith(":"):
            return view_name.startswith(self.section)
        return view_name == (self.section or self.url_name)


MAIN_MENU = (
    MenuItem("首页", "dashboard:home"),
    MenuItem("监测对象", "monitoring:household_list", "monitoring:"),
    MenuItem("收入就业", "dashboard:income"),
    MenuItem("驻村帮扶", "resident_teams:team_list", "resident_teams:team_list"),
    MenuItem("驻村帮扶", "resident_teams:my_records"),  # a team member's own (the list is for area roles)
    MenuItem("帮扶资源", "assistance:index", "assistance:"),
    MenuItem("问题整改", "rectification:issue_list", "rectification:"),
    MenuItem("筛查预警", "screening:warning_list", "screening:"),
    MenuItem("报表", "reports:index", "reports:"),
    MenuItem("省级报送", "submissions:progress", "submissions:"),
    MenuItem("区划", "villages:county_list", "villages:"),
    MenuItem("账号锁定", "accounts:lockouts"),  # the city administrator's (the pages' own rule)
    MenuItem("操作审计", "reports:audit"),
    MenuItem("数据录入", "admin:index", "admin:"),
)


def user_may_open(user, url_name: str, *args) -> bool:
    """Whether the page named ``url_name`` lets the user in (the page's own check, not a copy of it)."""
    func = resolve(reverse(url_name, args=args)).func
    view_class = getattr(func, "view_class", None)
    check = getattr(view_class, "user_may_open", None)
    if check is not None:
        return check(user)
    site = getattr(func, "admin_site", None)
    if site is not None:
        # The admin site's own rule (staff and a role); it reads nothing of the request but its user.
        return site.has_permission(SimpleNamespace(user=user))
    raise LookupError(f"页面 {url_name} 未声明访问规则")


def menu_for(user, view_name: str = "") -> list[dict]:
    items = [item for item in MAIN_MENU if user_may_open(user, item.url_name)]
    # A page with its own entry (操作审计) lights that entry only, not also its app's (报表).
    own = [item for item in items if item.url_name == view_name]
    return [
        {"label": item.label, "url": reverse(item.url_name),
         "active": item in own if own else item.is_active(view_name)}
        for item in items
    ]


def navigation(request):
    """Context processor: ``main_menu`` for the page header and ``menu_section``, the entry the page
    belongs to (the middle step of the default breadcrumb: 首页 › section › page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"main_menu": [], "menu_section": None}
    found = getattr(request, "_navigation", {}).get(user.pk)
    if found is None:
        # Once per request: a table's {% render_table %} renders its template with the context processors
        # again, and the menu asks each of its pages who may open it.
        match = getattr(request, "resolver_match", None)
        menu = menu_for(user, match.view_name if match else "")
        section = next((item for item in menu if item["active"] and item["label"] != "首页"), None)
        found = {"main_menu": menu, "menu_section": section}
        request._navigation = {user.pk: found}
    return found
