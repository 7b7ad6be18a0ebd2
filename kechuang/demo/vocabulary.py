"""Word lists and reference tables of the demo county: sectors, towns, chains, institutions.

Data only; the demo county (`plan`, `qualifications`, `county`, `logins`) and the benchmark
data (`scale`) draw from it. Names of enterprises and people are fictional combinations of
common characters; towns, codes and public bodies are real.
"""

from dataclasses import dataclass
from itertools import accumulate

INDUSTRIAL_KINDS = frozenset({"pharma", "equipment", "general"})


@dataclass(frozen=True)
class Sector:
    """A GB/T 4754 level-4 industry as it appears in the county, with its name words."""

    code: str
    kind: str  # pharma | equipment | general | software | tech | service
    weight: float  # share of the county's enterprises, in percent points
    words: tuple[str, ...]  # industry words in enterprise names
    fields: str  # expertise of people working there


SECTORS = (
    Sector("2710", "pharma", 6.0, ("医药", "药业", "制药", "医药化工"), "原料药合成、药物化学"),
    Sector("2720", "pharma", 4.5, ("药业", "制药", "医药"), "药物制剂、质量控制"),
    Sector("2750", "pharma", 1.5, ("动物药业", "兽药", "动物保健"), "兽药研发、动物疫病防控"),
    Sector("2761", "pharma", 1.5, ("生物科技", "生物制药", "生物技术"), "生物制药、发酵工程"),
    Sector("1495", "pharma", 1.0, ("营养科技", "生物化工"), "维生素与营养品、精细化工"),
    Sector("3451", "equipment", 9.0, ("轴承", "精密轴承", "轴承制造"), "滚动轴承设计、摩擦学"),
    Sector("3452", "equipment", 1.5, ("滑动轴承", "轴承"), "滑动轴承、材料成形"),
    Sector("3551", "equipment", 7.0, ("纺织机械", "纺机", "纺织装备"), "纺织机械、机电一体化"),
    Sector(
        "3464",
        "equipment",
        6.0,
        ("制冷配件", "制冷设备", "冷链科技", "冷配科技"),
        "制冷与空调、热管理",
    ),
    Sector("3670", "equipment", 6.0, ("汽车部件", "汽车零部件", "汽配"), "汽车零部件、精密制造"),
    Sector("3491", "equipment", 1.0, ("机器人", "智能装备", "自动化"), "工业机器人、运动控制"),
    Sector("3492", "equipment", 0.3, ("特种机器人", "智能装备"), "特种机器人、智能控制"),
    Sector("3963", "equipment", 0.5, ("无人机", "航空科技", "智能飞行器"), "无人机系统、飞控导航"),
    Sector("4011", "equipment", 1.0, ("自动化", "智能控制", "电子科技"), "工业自动化、控制系统"),
    Sector("3484", "general", 6.0, ("精密机械", "机械", "机械制造"), "机械设计制造、数控加工"),
    Sector("3489", "general", 2.0, ("机械配件", "精密部件"), "机械零部件、精密加工"),
    Sector("3459", "general", 1.5, ("传动科技", "传动部件"), "机械传动、齿轮"),
    Sector("3399", "general", 2.5, ("五金", "金属制品"), "金属制品、材料加工"),
    Sector("3360", "general", 1.5, ("热处理", "表面处理"), "热处理、表面工程"),
    Sector("3443", "general", 1.0, ("阀门", "流体控制"), "阀门、流体控制"),
    Sector("3441", "general", 1.0, ("泵业", "流体机械"), "泵与流体机械"),
    Sector("3811", "general", 1.0, ("电机", "电气"), "电机与电气"),
    Sector("3982", "general", 1.0, ("电子科技", "电子"), "电子电路、电子工艺"),
    Sector("2929", "general", 2.0, ("塑业", "塑料制品"), "高分子材料、塑料成型"),
    Sector("2231", "general", 1.0, ("包装", "纸业"), "包装工程"),
    Sector("1530", "general", 2.0, ("茶业", "茶叶"), "茶叶加工、食品工程"),
    Sector("1711", "general", 1.5, ("纺织", "棉纺"), "纺织工程"),
    Sector("1819", "general", 1.5, ("服饰", "制衣"), "服装设计与工程"),
    Sector("3021", "general", 1.0, ("建材", "水泥制品"), "建筑材料"),
    Sector("2662", "general", 0.5, ("新材料", "化工"), "精细化工、新材料"),
    Sector(
        "6513", "software", 2.0, ("信息技术", "软件", "网络科技", "数字科技"), "软件工程、工业软件"
    ),
    Sector("6531", "software", 1.5, ("信息技术", "智能科技", "数据科技"), "信息系统集成、物联网"),
    Sector("6520", "software", 0.3, ("微电子", "芯片科技"), "集成电路设计"),
    Sector("7320", "tech", 1.5, ("科技", "技术开发"), "工程技术研发、技术咨询"),
    Sector("7452", "tech", 1.0, ("检测技术", "检测"), "检验检测、计量"),
    Sector("7530", "tech", 0.5, ("科技服务", "技术转移"), "技术转移、科技咨询"),
    Sector("5179", "service", 4.0, ("贸易", "商贸", "机电设备"), "国际贸易、市场营销"),
    Sector("5174", "service", 2.0, ("五金贸易", "商贸"), "市场营销"),
    Sector("5169", "service", 1.0, ("化工贸易",), "化工产品营销"),
    Sector("5439", "service", 2.0, ("物流", "运输"), "物流管理"),
    Sector("7299", "service", 2.0, ("商务服务", "企业管理咨询"), "企业管理"),
    Sector("6210", "service", 1.0, ("餐饮管理",), "餐饮管理"),
    Sector("6110", "service", 0.5, ("酒店管理",), "酒店管理"),
)
SECTOR_BY_CODE = {s.code: s for s in SECTORS}
SECTOR_CUM_WEIGHTS = tuple(accumulate(s.weight for s in SECTORS))

# (active, passive) innovator shares: for enterprises above the 规上 line, then below it.
RD_PROPENSITY = {
    "pharma": ((0.80, 0.15), (0.35, 0.35)),
    "equipment": ((0.65, 0.28), (0.20, 0.40)),
    "general": ((0.40, 0.45), (0.06, 0.30)),
    "software": ((0.60, 0.30), (0.35, 0.35)),
    "tech": ((0.75, 0.20), (0.45, 0.35)),
    "service": ((0.02, 0.05), (0.01, 0.03)),
}
RD_INTENSITY = {  # median R&D / revenue of active innovators, before calibration
    "pharma": 0.055,
    "equipment": 0.04,
    "general": 0.03,
    "software": 0.09,
    "tech": 0.18,
    "service": 0.01,
}
PRODUCTIVITY = {  # median revenue per employee, yuan
    "pharma": 1_000_000,
    "equipment": 600_000,
    "general": 450_000,
    "software": 500_000,
    "tech": 400_000,
    "service": 600_000,
}
SIZE_BONUS = {  # how much more likely an industry's enterprises are to be large
    "pharma": 0.4,
    "equipment": 0.2,
    "general": -0.1,
    "software": 0.0,
    "tech": 0.0,
    "service": 0.0,
}

# The 12 towns and streets (RULES §6): name and a few road names for addresses; weights
# make the four streets, where the industrial parks are, the densest.
TOWNS = {
    "330624001": ("羽林街道", ("羽林路", "梅渚工业路", "兴业东路")),
    "330624002": ("南明街道", ("人民西路", "鼓山中路", "南明路", "环城南路")),
    "330624003": ("七星街道", ("新昌大道东路", "江滨东路", "七星路", "高新路")),
    "330624004": ("澄潭街道", ("澄潭江路", "澄潭工业路", "江南路")),
    "330624104": ("回山镇", ("回山路",)),
    "330624107": ("小将镇", ("小将工业路",)),
    "330624108": ("沙溪镇", ("沙溪路", "沙溪工业区路")),
    "330624109": ("镜岭镇", ("镜岭路", "镜岭工业区路")),
    "330624110": ("儒岙镇", ("儒岙路", "天姥路")),
    "330624112": ("沃洲镇", ("沃洲路", "兴沃路")),
    "330624200": ("城南乡", ("城南路",)),
    "330624201": ("东茗乡", ("东茗路",)),
}
TOWN_CODES = tuple(TOWNS)
TOWN_WEIGHTS = (13, 22, 20, 12, 4, 4, 4, 5, 5, 5, 3, 3)


@dataclass(frozen=True)
class Anchor:
    """One of the county's largest enterprises, placed by hand so the totals look right."""

    code: str
    town: str
    revenue_yi: float  # revenue in the last year, 亿元
    province: bool  # registered with the provincial market regulator (USCC region 330000)
    listed: bool
    founded: int


FLAGSHIP_NAME = "浙江新禾成生物医药股份有限公司"
# Index 0 is the flagship; index 1 is the enterprise whose filer is the `enterprise` login.
ANCHORS = (
    Anchor("2710", "330624003", 150, True, True, 1999),
    Anchor("2720", "330624002", 4.2, False, False, 2004),
    Anchor("3464", "330624003", 95, True, True, 1994),
    Anchor("2720", "330624001", 42, True, True, 1997),
    Anchor("3551", "330624003", 24, True, True, 1998),
    Anchor("3451", "330624004", 18, True, True, 2001),
    Anchor("3670", "330624001", 15, True, False, 2003),
    Anchor("2710", "330624003", 12, True, True, 2000),
    Anchor("3451", "330624002", 9, True, False, 1996),
    Anchor("3464", "330624004", 7, True, False, 2002),
    Anchor("2750", "330624108", 5, True, False, 2005),
)
PERSONA_ENTERPRISE_INDEX = 1

# Brand words: two characters from these pools. The characters have one reading each, so
# name pinyin can be assembled from parts; combinations used by well-known firms are left out.
_BRAND_FIRST = "恒瑞鼎宏嘉泰德华正天金明卓辰远信博海银诚伟中永凯尚启越东晟迈达润云睿宇立康汇"
_BRAND_SECOND = "达丰锐辉源通昌成联力威创隆兴茂峰晨瀚驰精禾信康博泽益科展鑫"
_BRAND_BLOCKED = set(
    "新和 新昌 中天 天成 华东 正泰 海信 东方 华联 天通 海康 德力 永达 远达 博达 立达 华达 恒丰 "
    "汇通 东华 中通 宏达 中信 中科 中联 中兴 海通 东兴 华信 中成".split()
)
BRANDS = tuple(
    a + b for a in _BRAND_FIRST for b in _BRAND_SECOND if a != b and a + b not in _BRAND_BLOCKED
)
# Stock codes of enterprises actually listed from the county, never given to fictional ones.
TAKEN_STOCK_CODES = frozenset(
    {"002001", "002050", "002020", "002085", "002520", "603667", "603583"}
)
OLD_WORDS = ("机械", "五金", "化工", "轴承", "机电", "制药", "纺织机械", "电器")

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
OLD_BODY_PREFIXES = ("14", "25", "60", "70", "72", "73", "74", "75", "76", "77", "78", "79")

SURNAMES = (
    "王李张陈刘杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严武戴莫孔汤俞章竺"
)
SURNAME_WEIGHTS = tuple(max(1.0, 12.0 - i * 0.25) for i in range(len(SURNAMES)))
GIVEN_MALE = "伟强军磊勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁林建国志文博峰晨阳毅亮"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪琳晶颖慧倩洁琴云莉萍红梅佳欣怡悦蕾璐"
MOBILE_PREFIXES = tuple(
    "130 131 132 133 135 136 137 138 139 150 151 152 157 158 159 177 180 181 182 183 187 188 "
    "189 199".split()
)
# Birthplace codes for ID numbers: Zhejiang counties and a few districts elsewhere.
ID_REGIONS = tuple(
    "330602 330603 330604 330681 330683 330102 330106 330110 330212 330302 330702 330782 "
    "331002 330402 330502 340104 360102 410105 430102 510107 370102 320102 420106 350102".split()
)

# Recognition batches (month, day) by year.
# fmt: off
HNTE_BATCHES = {
    2011: (10, 14), 2012: (11, 5), 2013: (11, 22), 2014: (9, 29), 2015: (9, 17),
    2016: (11, 21), 2017: (11, 13), 2018: (11, 30), 2019: (12, 4), 2020: (12, 1),
    2021: (12, 16), 2022: (12, 24), 2023: (12, 8), 2024: (12, 6), 2025: (11, 28),
}
SRDI_PROVINCE_BATCHES = {
    2019: (11, 20), 2020: (12, 15), 2021: (11, 26), 2022: (12, 9), 2023: (12, 20),
    2024: (12, 10), 2025: (11, 25),
}
SRDI_NATIONAL_BATCHES = {
    2019: (6, 20), 2020: (12, 2), 2021: (7, 19), 2022: (8, 15), 2023: (7, 25), 2024: (9, 12),
}
# fmt: on
RD_INSTITUTION_TITLES = {
    "county": ("县级企业研发中心", "县级企业技术中心"),
    "city": ("市级企业技术中心", "市级企业研究院", "市级高新技术企业研究开发中心"),
    "province": (
        "省级企业研究院",
        "省级高新技术企业研究开发中心",
        "省级重点企业研究院",
        "省级企业技术中心",
    ),
    "national": ("国家企业技术中心", "国家地方联合工程研究中心"),
}

# Clusters and their chains: (name, description, ((chain, industry codes, description), ...)).
CHAINS = (
    (
        "高端智能装备",
        "新昌县主导产业集群，涵盖轴承、汽车零部件、纺织机械和制冷配件，正向智能化、高端化升级。",
        (
            (
                "轴承",
                ("3451", "3452"),
                "“中国轴承之乡”的支柱产业，包括滚动轴承、滑动轴承及套圈、滚动体、保持架等配套。",
            ),
            ("汽车零部件", ("3670",), "以汽车空调、热管理、传动和精密结构件为主的汽车零部件制造。"),
            ("纺机", ("3551",), "纺纱、织造、印染后整理等纺织专用设备及其关键部件。"),
            ("制冷配件", ("3464",), "制冷、空调设备及截止阀、电子膨胀阀、换热器等关键配件。"),
        ),
    ),
    (
        "生命健康",
        "“全国医药强县”的核心产业，原料药、制剂、兽药和生物药协同发展。",
        (
            (
                "化学药",
                ("2710", "2720"),
                "化学药品原料药及制剂，以维生素、抗感染、心血管类产品为主。",
            ),
            (
                "兽药",
                ("2750",),
                "兽用化学药、兽用制剂及动物保健产品，对接天姥实验室动物医药与健康方向。",
            ),
            ("生物药", ("2761",), "发酵工程、酶工程和生物制品等生物药品制造。"),
        ),
    ),
    (
        "通用智能机器人",
        "新赛道：以轴承、减速器等核心部件为基础，发展工业机器人和特种作业机器人。",
        (("机器人", ("3491", "3492"), "工业机器人、特殊作业机器人整机及核心零部件。"),),
    ),
    (
        "低空经济",
        "新赛道：智能无人飞行器制造及低空飞行应用场景。",
        (("智能无人飞行器", ("3963",), "无人机整机、飞控与动力系统及低空应用服务。"),),
    ),
)
CHAIN_NAMES = tuple(chain for _, _, chains in CHAINS for chain, _, _ in chains)
# Industry -> ((chain, ((position, weight), ...)), ...): where its enterprises sit.
CHAIN_POSITIONS = {
    "3451": (("轴承", (("core", 60), ("midstream", 30), ("upstream", 10))),),
    "3452": (("轴承", (("core", 70), ("upstream", 30))),),
    "3670": (("汽车零部件", (("core", 70), ("midstream", 20), ("upstream", 10))),),
    "3551": (("纺机", (("midstream", 60), ("core", 40))),),
    "3464": (("制冷配件", (("core", 70), ("midstream", 30))),),
    "2710": (("化学药", (("upstream", 80), ("midstream", 20))),),
    "2720": (("化学药", (("midstream", 80), ("downstream", 20))),),
    "2750": (("兽药", (("midstream", 85), ("upstream", 15))),),
    "2761": (("生物药", (("midstream", 60), ("upstream", 40))),),
    "3491": (("机器人", (("midstream", 70), ("core", 30))),),
    "3492": (("机器人", (("midstream", 80), ("core", 20))),),
    "3963": (("智能无人飞行器", (("midstream", 80), ("core", 20))),),
}
# Industry -> ((chain, position, share of its enterprises), ...): suppliers to other chains.
CROSS_LINKS = {
    "3451": (("机器人", "core", 0.06),),
    "3459": (("机器人", "core", 0.15),),
    "4011": (("机器人", "core", 0.3),),
    "3484": (("汽车零部件", "core", 0.05),),
    "3811": (("制冷配件", "core", 0.1),),
    "3443": (("制冷配件", "core", 0.2),),
    "1495": (("化学药", "upstream", 0.2),),
    "6513": (("机器人", "downstream", 0.08), ("智能无人飞行器", "downstream", 0.05)),
}

DEPARTMENTS = (
    "新昌县统计局",
    "新昌县经济和信息化局",
    "新昌县财政局",
    "中共新昌县委人才工作领导小组办公室",
)


@dataclass(frozen=True)
class InstitutionSpec:
    name: str
    kind: str
    level: str
    region: str  # a town code for bodies in the county, a county code elsewhere
    registration: str  # USCC registration class: 12 public institution, 52 private non-profit
    fields: str
    established: int
    description: str
    is_local: bool = True
    status: str = "active"


_T = InstitutionSpec
# fmt: off
INSTITUTIONS = (
    _T("天姥实验室", "lab", "province", "330624003", "12",
       "动物医药与健康、生物医药、高端装备", 2022, "省级实验室，聚焦动物医药与健康和高端装备的基础与应用研究。"),
    _T("浙江大学新昌技术创新研究院", "new_rd", "province", "330624003", "52",
       "高端装备、轴承摩擦学、智能制造", 2019, "浙江大学与新昌县共建的新型研发机构。"),
    _T("浙江工业大学新昌创新研究院", "new_rd", "city", "330624002", "52",
       "绿色制药、精细化工、制药装备", 2018, "面向医药化工产业的校地共建研究院。"),
    _T("浙江理工大学新昌技术创新研究院", "new_rd", "city", "330624003", "52",
       "纺织装备、纺织新材料", 2019, "服务纺机产业的校地共建研究院。"),
    _T("中国计量大学新昌轴承检测技术研究院", "research_institute", "city", "330624004", "12",
       "轴承检测、精密测量", 2020, "面向轴承产业的检测与计量技术研究机构。"),
    _T("杭州电子科技大学新昌智能制造研究院", "new_rd", "county", "330624003", "52",
       "工业机器人、智能控制、工业软件", 2021, "面向智能装备和机器人产业的研究院。"),
    _T("浙江中医药大学新昌生命健康研究院", "research_institute", "city", "330624002", "12",
       "中药制剂、药物分析、动物药", 2020, "面向生命健康产业的校地共建研究院。"),
    _T("绍兴文理学院新昌产业技术研究院", "research_institute", "county", "330624001", "12",
       "机械工程、纺织工程、化学工程", 2017, "服务县域主导产业的应用技术研究机构。"),
    _T("浙江科技大学新昌低空经济研究院", "new_rd", "county", "330624003", "52",
       "无人机系统、低空飞行服务", 2024, "面向低空经济新赛道的研究院。", status="building"),
    _T("浙江大学新昌制冷技术研究中心", "research_institute", "county", "330624004", "12",
       "制冷与低温工程、热管理", 2021, "面向制冷配件和汽车热管理的研究中心。"),
    _T("天姥实验室动物医药与健康概念验证中心", "poc_centre", "province", "330624003", "12",
       "动物医药、兽用生物制品", 2024, "列入省级概念验证中心创建名单。"),
    _T("新昌县生物医药概念验证中心", "poc_centre", "city", "330624002", "12",
       "化学药、生物药", 2024, "为医药科研成果提供技术可行性和商业化验证。"),
    _T("新昌县高端装备概念验证中心", "poc_centre", "county", "330624003", "12",
       "轴承、机器人核心部件", 2025, "面向高端装备成果的概念验证平台。", status="building"),
    _T("新昌县生物医药中试平台", "pilot_platform", "city", "330624003", "12",
       "原料药工艺放大、制剂中试", 2023, "政府投资、企业化运营的医药中试平台。"),
    _T("新昌县高端轴承中试基地", "pilot_platform", "county", "330624004", "12",
       "轴承材料、热处理、精密磨削", 2024, "向行业开放的轴承中试线。"),
    _T("新昌县智能装备中试平台", "pilot_platform", "county", "330624003", "12",
       "机器人整机测试、智能产线验证", 2025, "智能装备中试与检测验证平台。", status="building"),
    _T("新昌县兽用药品中试平台", "pilot_platform", "county", "330624108", "12",
       "兽药制剂中试", 2025, "兽用药品工艺放大与中试服务。", status="building"),
    _T("新昌县科技企业孵化器", "incubator", "province", "330624002", "12",
       "综合孵化", 2012, "省级科技企业孵化器。"),
    _T("新昌智造众创空间", "incubator", "city", "330624003", "52",
       "智能制造、工业互联网", 2016, "市级众创空间。"),
    _T("新昌县大学生创业园", "incubator", "county", "330624001", "12",
       "大学生创业", 2015, "面向高校毕业生的创业孵化载体。"),
    _T("新昌生命健康众创空间", "incubator", "county", "330624003", "52",
       "生物医药、医疗器械", 2019, "县级众创空间。"),
    _T("新昌（杭州）科创飞地", "incubator", "county", "330108", "12",
       "研发孵化、人才引进", 2021, "设在杭州滨江的科创飞地：研发在杭州，转化在新昌。",
       is_local=False),
    _T("新昌县技术转移中心", "tech_transfer", "county", "330624002", "12",
       "技术转移、技术合同登记", 2016, "县级技术转移服务机构。"),
    _T("浙江大学技术转移中心新昌分中心", "tech_transfer", "city", "330624003", "12",
       "成果转化、技术转移", 2018, "高校技术转移机构在新昌的分中心。"),
    _T("新昌县科联技术转移服务有限公司", "tech_transfer", "", "330624002", "91",
       "技术经纪、产学研对接", 2020, "民营技术转移服务机构。"),
    _T("新昌县知识产权服务中心", "ip_service", "county", "330624002", "12",
       "专利导航、知识产权保护", 2019, "县级知识产权公共服务机构。"),
    _T("新昌县知联知识产权代理有限公司", "ip_service", "", "330624002", "91",
       "专利代理、商标代理", 2014, "知识产权代理机构。"),
    _T("绍兴恒知知识产权代理有限公司", "ip_service", "", "330602", "91",
       "专利代理、知识产权运营", 2011, "服务绍兴各县市的知识产权代理机构。", is_local=False),
    _T("浙江大学", "university", "national", "330106", "12",
       "机械工程、化学工程、药学、控制科学", 1897, "合作高校。", is_local=False),
    _T("浙江工业大学", "university", "province", "330105", "12",
       "化学工程、药学、机械工程", 1953, "合作高校。", is_local=False),
    _T("浙江理工大学", "university", "province", "330114", "12",
       "纺织科学与工程、机械工程", 1897, "合作高校。", is_local=False),
    _T("中国计量大学", "university", "province", "330114", "12",
       "仪器科学、计量测试、质量工程", 1978, "合作高校。", is_local=False),
    _T("杭州电子科技大学", "university", "province", "330114", "12",
       "电子信息、控制科学、计算机", 1956, "合作高校。", is_local=False),
    _T("浙江中医药大学", "university", "province", "330108", "12",
       "中药学、药学、生物医学", 1953, "合作高校。", is_local=False),
    _T("绍兴文理学院", "university", "city", "330602", "12",
       "纺织工程、机械工程、化学", 1909, "合作高校。", is_local=False),
    _T("浙江科技大学", "university", "province", "330106", "12",
       "机械工程、自动化、生物工程", 1980, "合作高校。", is_local=False),
    _T("浙江工商大学", "university", "province", "330114", "12",
       "技术经济与管理、知识产权", 1911, "合作高校。", is_local=False),
    _T("宁波大学", "university", "province", "330205", "12",
       "材料科学、机械工程、海洋生物", 1986, "合作高校。", is_local=False),
    _T("温州医科大学", "university", "province", "330304", "12",
       "药学、生物医学工程", 1958, "合作高校。", is_local=False),
    _T("浙江农林大学", "university", "province", "330112", "12",
       "动物医学、食品科学、茶学", 1958, "合作高校。", is_local=False),
)
# fmt: on

PERSONA_INSTITUTION = "浙江大学新昌技术创新研究院"
PERSONA_BROKERAGE = "新昌县科联技术转移服务有限公司"
BROKER_FIELDS = ("技术转移", "知识产权运营", "科技金融", "技术合同登记")

# Person kinds: how many (for the full-size demo), share of men, titles, education, birth years.
PEOPLE = {
    "expert": {
        "count": 300,
        "male": 0.75,
        "born": (1960, 1988),
        "titles": ("教授", "研究员", "副教授", "副研究员", "教授级高级工程师", "高级工程师"),
        "education": (("博士研究生", 60), ("硕士研究生", 30), ("大学本科", 10)),
    },
    "researcher": {
        "count": 150,
        "male": 0.65,
        "born": (1975, 1998),
        "titles": ("研究员", "副研究员", "助理研究员", "高级工程师", "工程师", "助理工程师"),
        "education": (("博士研究生", 20), ("硕士研究生", 50), ("大学本科", 30)),
    },
    "broker": {
        "count": 40,
        "male": 0.55,
        "born": (1970, 1996),
        "titles": ("高级技术经纪人", "中级技术经纪人", "初级技术经纪人"),
        "education": (("硕士研究生", 30), ("大学本科", 60), ("大学专科", 10)),
    },
    "graduate": {
        "count": 200,
        "male": 0.6,
        "born": (1996, 2003),
        "titles": ("硕士研究生",) * 6 + ("博士研究生",),
        "education": (("硕士在读", 1),),
    },
}


@dataclass(frozen=True)
class Persona:
    """A demo login: its role (a standard role name) and organisation key."""

    username: str
    role: str
    display_name: str
    org: str  # "bureau", "government", a town code, "enterprise" or "institution"


PERSONAS = (
    Persona("admin", "系统管理员", "俞建华", "bureau"),
    Persona("leader", "县领导", "梁志远", "government"),
    Persona("staff", "科技局科员", "石晓燕", "bureau"),
    Persona("town", "乡镇街道科员", "丁海峰", "330624002"),
    Persona("town_qixing", "乡镇街道科员", "陈立新", "330624003"),
    Persona("town_yulin", "乡镇街道科员", "吕佳慧", "330624001"),
    Persona("town_chengtan", "乡镇街道科员", "潘志强", "330624004"),
    Persona("enterprise", "企业填报员", "杨丽萍", "enterprise"),
    Persona("university", "高校院所用户", "吴博文", "institution"),
    Persona("broker", "技术经纪人", "周明杰", "broker"),
)
