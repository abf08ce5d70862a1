"""Names for the demo city: the five street offices of 郑州经开区 and their communities (docs/README.md).

Names given in the source material come first; the rest are plausible local names.
"""

from __future__ import annotations

DISTRICT = ("410171", "郑州经开区")
# The synthetic city of the benchmark's city scale: its districts, side by side.
CITY_DISTRICTS = ("东城区", "西城区", "南湖区", "北岭区", "中河区", "新港区")

# (street office, [(community, kind)]) — 35 communities and villages in all.
STREETS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "明湖办事处",
        [
            (n, "community")
            for n in ["东风社区", "明湖社区", "滨河社区", "泰和社区", "锦绣社区", "正商社区", "朗悦社区"]
        ],
    ),
    ("潮河办事处", [(n, "community") for n in ["蝶湖社区", "亚太社区", "康桥社区", "潮河社区", "绿城社区"]]),
    (
        "九龙办事处",
        [
            (n, "community")
            for n in [
                "鸿泰社区",
                "九龙社区",
                "兴华社区",
                "瑞祥社区",
                "美景社区",
                "万科社区",
                "永和社区",
                "清华园社区",
                "兰亭社区",
            ]
        ],
    ),
    (
        "前程办事处",
        [
            (n, "community")
            for n in ["智慧街道社区", "前程社区", "祥云社区", "润城社区", "海马社区", "金海社区", "嘉园社区"]
        ],
    ),
    (
        "京航办事处",
        [("官刘村", "village"), ("小李庄村", "village")]
        + [(n, "community") for n in ["京航社区", "航海社区", "中兴社区", "兴荣社区", "福泽社区"]],
    ),
]

# Hand-placed seeds (lon, lat) that give each street office its rough place in the zone.
STREET_SEEDS = [(113.735, 34.737), (113.816, 34.737), (113.778, 34.690), (113.722, 34.688), (113.826, 34.684)]

# The district outline (lon, lat), inside lon 113.70–113.85, lat 34.66–34.76.
DISTRICT_OUTLINE = [
    (113.704, 34.748),
    (113.738, 34.757),
    (113.790, 34.755),
    (113.845, 34.749),
    (113.848, 34.712),
    (113.842, 34.668),
    (113.790, 34.662),
    (113.735, 34.665),
    (113.703, 34.676),
    (113.701, 34.712),
]

# (exclusive grid, street office it lies in)
EXCLUSIVE_GRIDS = [
    ("经开科技创新园专属网格", "潮河办事处"),
    ("中兴产业园专属网格", "京航办事处"),
    ("郑州国际物流园专属网格", "九龙办事处"),
    ("出口加工区专属网格", "前程办事处"),
    ("经开区实验小学专属网格", "明湖办事处"),
]

# East–west roads from north to south, north–south roads from west to east.
ROADS_EW = [
    "航海东路",
    "经北一路",
    "经开第一大道",
    "经南一路",
    "经南二路",
    "经南三路",
    "经南五路",
    "经南六路",
    "经南八路",
    "经南九路",
    "经南十路",
    "经南十二路",
]
ROADS_NS = [
    "朝凤路",
    "第一大街",
    "第三大街",
    "第五大街",
    "第八大街",
    "明理南路",
    "第十大街",
    "十二大街",
    "第十三大街",
    "第十五大街",
    "第十七大街",
    "第十九大街",
    "第二十大街",
    "第二十二大街",
]

SCHOOLS = [
    "经开区实验小学",
    "郑州市第八十五中学",
    "经开区第一小学",
    "经开区第二小学",
    "经开区第三小学",
    "经开区第一中学",
    "锦绣幼儿园",
    "外国语小学经开校区",
    "滨河小学",
    "明湖中学",
    "潮河小学",
    "九龙中学",
    "前程小学",
    "京航小学",
    "美景幼儿园",
]
MARKET_STEMS = ["明湖", "潮河", "九龙", "前程", "京航", "东风", "鸿泰", "亚太", "康桥", "兴华", "祥云", "航海"]
PARK_NAMES = [
    "明湖公园",
    "潮河湿地公园",
    "九龙广场",
    "滨河公园",
    "经开体育公园",
    "康桥游园",
    "东风游园",
    "鸿泰游园",
    "兴华广场",
    "智慧公园",
    "航海广场",
    "京航游园",
]
COMMERCIAL_NAMES = [
    "经开万达商业街",
    "明湖步行街",
    "亚太商业街",
    "九龙美食街",
    "前程商业街",
    "京航商业街",
    "康桥夜市",
    "鸿泰商业街",
]
HOSPITALS = [
    "经开区人民医院",
    "郑大一附院经开院区",
    "经开区妇幼保健院",
    "明湖社区卫生服务中心",
    "九龙社区卫生服务中心",
    "前程社区卫生服务中心",
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红燕建国志新文斌晓东海云峰"

# For the synthetic city scale: syllables for street-office names.
CITY_STEMS = "金水二七管城中原惠济上街航空港经开高新郑东龙湖如意祥和丰庆文化花园人民紫荆杜岭"
