"""The problem tree the city sorted its issues into: 11 aspects and 35 categories.

The national assessment's four aspects come first (责任落实, 政策落实, 工作落实, 巩固成效); the six problems
the province named in 2023 are categories marked ``is_provincial``. The tree is editable reference data
(the admin); this list only gives a new database its starting content (migration 0003 and the seed).
"""

# (aspect, is one of the national assessment's four, [(category, is one of the province's six), ...])
TREE = [
    ("责任落实", True, [
        ("主体责任压得不实", False),
        ("行业部门责任落实不力", False),
        ("帮扶责任人履职不到位", False),
        ("工作作风不扎实", False),
    ]),
    ("政策落实", True, [
        ("乡村公益岗位管理不规范", True),
        ("健康帮扶政策落实不到位", False),
        ("教育帮扶政策落实不到位", False),
        ("兜底保障政策落实不到位", False),
    ]),
    ("工作落实", True, [
        ("基础信息数据不准确", False),
        ("档案资料不规范", False),
        ("政策宣传不到位", False),
    ]),
    ("巩固成效", True, [
        ("住房安全保障有短板", False),
        ("饮水安全保障有短板", False),
        ("脱贫人口收入增长不稳", False),
    ]),
    ("防止返贫动态监测", False, [
        ("防止返贫动态监测帮扶机制落实不到位", True),
        ("监测对象识别不精准", False),
        ("风险消除不规范", False),
        ("帮扶措施针对性不强", False),
    ]),
    ("就业帮扶", False, [
        ("就业帮扶政策落实不到位", True),
        ("帮扶车间带动作用发挥不充分", False),
        ("务工就业信息不准确", False),
    ]),
    ("产业帮扶", False, [
        ("产业项目联农带农机制不健全", False),
        ("帮扶项目资产管理不规范", False),
        ("小额信贷管理不规范", False),
    ]),
    ("驻村帮扶", False, [
        ("驻村帮扶有短板", True),
        ("驻村干部在岗履职不到位", False),
        ("驻村工作队管理不规范", False),
    ]),
    ("消费帮扶", False, [
        ("消费帮扶落实不到位", True),
        ("消费帮扶产品认定不规范", False),
    ]),
    ("农村人居环境", False, [
        ("农村人居环境整治有短板", True),
        ("农村改厕问题整改不彻底", False),
        ("村容村貌脏乱差", False),
    ]),
    ("衔接资金项目", False, [
        ("衔接资金使用不规范", False),
        ("项目资金拨付滞后", False),
        ("项目公告公示不到位", False),
    ]),
]

PROVINCIAL_PROBLEMS = [name for _, _, cats in TREE for name, provincial in cats if provincial]


def tree_load(Aspect, Category) -> None:
    """Create what is missing of the tree (models passed in so that a migration can call it)."""
    for a_order, (aspect_name, national, categories) in enumerate(TREE, start=1):
        aspect, _ = Aspect.objects.get_or_create(
            name=aspect_name, defaults={"sort_order": a_order, "is_national": national}
        )
        for c_order, (category_name, provincial) in enumerate(categories, start=1):
            Category.objects.get_or_create(
                aspect=aspect, name=category_name, defaults={"sort_order": c_order, "is_provincial": provincial}
            )
