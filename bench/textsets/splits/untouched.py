"""The UNTOUCHED split: never tune on it; report on it beside dev. Its phrases, faces and background
photos appear nowhere in splits/dev.py nor in the shared/data set that earlier tuning used (checked by
tests/bench/test_textsets.py); the style distributions are the same (splits/common.py). All phrases and
prose were written for this project. Run:

    python bench/textsets/make_datasets.py --split untouched --out bench/out/textsets/untouched
"""
from splits.common import *  # noqa: F401,F403  (counts and style shared by both splits)
from splits.common import cjk, face

SPLIT = "untouched"
SEED = 917353

# CJK: the serif regular and the two mono faces (Han glyphs of Mono are the Sans design, so the split
# still has a sans regular and bold, from files the dev split never renders)
FONTS_CJK = [
    cjk("NotoSerifCJK-SC-Regular", "NotoSerifCJK-Regular.ttc"),
    cjk("NotoSansMonoCJK-SC-Regular", "NotoSansCJK-Regular.ttc", 7),
    cjk("NotoSansMonoCJK-SC-Bold", "NotoSansCJK-Bold.ttc", 7),
]
FONTS_LATIN = [face(n, n + ".ttf") for n in [
    "DejaVuSans-BoldOblique", "DejaVuSans-ExtraLight", "DejaVuSansCondensed-Bold", "DejaVuSansCondensed-Oblique",
    "DejaVuSansMono-Bold", "DejaVuSansMono-Oblique", "DejaVuSerif-Bold", "DejaVuSerif-Italic",
    "DejaVuSerifCondensed", "DejaVuSerifCondensed-Italic", "DejaVuSerifCondensed-BoldItalic",
    "LiberationSans-Bold", "LiberationSans-Italic", "LiberationSansNarrow-Bold", "LiberationSansNarrow-Italic",
    "LiberationSerif-Regular", "LiberationSerif-BoldItalic", "LiberationMono-Regular", "LiberationMono-Italic",
]]
FONTS_PARAGRAPH_ZH = [FONTS_CJK[0], FONTS_CJK[1]]
FONTS_PARAGRAPH_EN = [FONTS_LATIN[i] for i in (15, 8, 17)]
FONTS_TITLE = [FONTS_CJK[2]]

P3M = ["p3m_p_818e689d.jpg", "p3m_p_819ea202.jpg", "p3m_p_a09f6d7a.jpg", "p3m_p_bac3c1ff.jpg",
       "p3m_p_bc5cfad1.jpg", "p3m_p_bd6af989.jpg", "p3m_p_d684dae3.jpg"]
PHOTO_SOURCES = [
    "skimage:gravel", "skimage:hubble_deep_field", "skimage:coins", "skimage:immunohistochemistry", "skimage:cell",
] + ["people:" + p for p in P3M] + ["matting-eval:am_GT%02d.png" % k for k in range(15, 28)]

ZH_PHRASES = [
    # shop signs
    "王记牛肉面", "李家馄饨", "张姐麻辣烫", "福满楼酒家", "百年老店", "东街水果行", "阿婆糖水铺", "好运来超市",
    "幸福烘焙坊", "老北京炸酱面", "陈记烧腊", "小城故事咖啡馆", "明月茶庄", "金玉珠宝", "晨光文具", "四季鲜花坊",
    "爱心母婴店", "平安大药房", "星光影城", "悦读书屋", "丰收粮油批发", "刘师傅修鞋", "快捷洗衣", "美发沙龙",
    # menu boards
    "鱼香肉丝", "水煮牛肉", "回锅肉", "干煸四季豆", "地三鲜", "锅包肉", "东坡肘子", "剁椒鱼头", "白切鸡",
    "叉烧包", "虾饺皇", "肠粉", "云吞面", "生煎包", "葱油拌面", "烤冷面", "凉皮", "肉夹馍", "胡辣汤",
    "珍珠奶茶", "杨枝甘露", "绿豆沙", "热干面", "臭豆腐", "铁板鱿鱼", "椰子鸡火锅", "番茄炒蛋", "紫菜蛋花汤",
    # product labels
    "有机大米", "特级初榨橄榄油", "低糖燕麦片", "纯牛奶", "全麦吐司", "手工挂面", "东北黑木耳", "云南普洱茶",
    "新疆红枣", "宁夏枸杞", "即食燕窝", "无糖苏打水", "天然矿泉水", "精品咖啡豆", "儿童营养米粉", "坚果礼盒",
    "本品含有麸质", "食用方法：开袋即食", "贮存条件：常温避光", "生产许可证编号",
    # posters / notices
    "社区义诊活动", "元宵灯会", "端午龙舟赛", "国庆黄金周特惠", "毕业季大促销", "招聘服务员若干名", "旺铺转让",
    "房屋出租", "停水通知", "电梯年检合格", "垃圾分类 从我做起", "节约用水", "爱护公共设施", "当心滑倒",
    "高压危险", "请随手关门", "监控区域", "非工作人员禁止入内", "车辆出入 注意安全", "施工重地 闲人免进",
    # transport / city
    "火车站南广场", "长途汽车客运站", "机场大巴", "出租车候车区", "共享单车停放区", "人民广场站", "图书馆",
    "市民服务中心", "人民医院急诊", "第一中学", "体育馆", "城市规划展览馆", "滨江公园", "湿地观鸟区",
]

EN_PHRASES = [
    # shops
    "Golden Dragon Restaurant", "Noodle House", "Corner Bakery", "Green Valley Market", "Sunrise Florist",
    "Happy Paws Pet Shop", "City Dry Cleaners", "Harbor Seafood Grill", "Blue Moon Bar", "Maple Street Deli",
    "Lucky Star Karaoke", "Old Mill Antiques", "Quick Print Copy Center", "Urban Bike Rentals", "Riverside Inn",
    # menu
    "Beef Brisket Noodles", "Char Siu Bun", "Shrimp Dumplings", "Scallion Pancake", "Pork Belly Rice Bowl",
    "Bubble Milk Tea", "Mango Pomelo Sago", "Egg Tart", "Wonton Soup", "Cold Sesame Noodles", "Grilled Squid",
    "Coconut Chicken Hot Pot", "Tomato and Egg Stir Fry", "Seaweed Egg Drop Soup", "Crispy Duck",
    # product labels
    "Organic Brown Rice", "Extra Virgin Olive Oil", "Rolled Oats Low Sugar", "Whole Milk", "Wholewheat Toast",
    "Premium Coffee Beans", "Sparkling Water Zero Sugar", "Natural Mineral Water", "Mixed Nuts Gift Box",
    "Contains Gluten", "Ready to Eat", "Store Away from Sunlight", "Shake Well Before Use", "Product of China",
    # posters / notices
    "Lantern Festival Tonight", "Dragon Boat Race", "Graduation Sale", "Now Hiring Waiters", "Shop for Rent",
    "Water Outage Notice", "Please Recycle", "Save Water", "Caution Slippery", "High Voltage", "Close the Door",
    "CCTV in Operation", "Authorized Personnel Only", "Vehicles Turning", "Construction Site Keep Out",
    "Live Jazz Every Friday", "Yoga in the Park", "Book Fair This Weekend", "Charity Run", "Grand Opening",
    # transport / city
    "Railway Station South Square", "Coach Terminal", "Airport Shuttle", "Taxi Waiting Area", "Bike Parking Zone",
    "People's Square Station", "Public Library", "City Hall", "Emergency Department", "Wetland Bird Hide",
    "Riverfront Park", "Sports Stadium", "Platform 4", "Departures", "Arrivals", "Baggage Claim",
]

MIXED_PHRASES = [
    "火车站 Railway Station", "图书馆 Library", "急诊 Emergency", "机场大巴 Airport Bus", "奶茶 Milk Tea ¥16",
    "热狗 Hot Dog", "营业时间 Hours", "Lucky超市", "KTV包厢", "DIY手工坊", "T恤特价", "LED显示屏", "SPA水疗",
    "M码", "XL加大码", "A区停车场", "1号出入口", "第8候车室", "H5扫码报名", "QQ群号", "iPhone维修", "OPPO专卖",
    "Pizza披萨", "Tofu豆腐", "Latte拿铁 ¥32", "Bar酒吧", "Mall购物中心", "Hotel酒店", "Taxi出租车",
]

SHORT_TEXTS = ["米", "糖", "药", "鲜", "Bar", "Pub", "NEW", "GO", "No", "66", "面包"]

_URL_WORDS = ["noodles", "harbor", "lantern", "greenvalley", "cityhall", "bakery"]
_UNITS = ["g", "ml", "kg", "L"]


def numeric_line(rng):
    """Prices, dates, hours, URLs, phones, weights: other formats than the dev templates, so that no
    generated line can equal a dev line."""
    t = rng.randrange(12)
    if t == 0:
        return "会员价 ¥%d" % rng.randint(3, 499)
    if t == 1:
        return "¥%d.%d0/斤" % (rng.randint(2, 60), rng.randint(1, 9))
    if t == 2:
        return "生产日期：%d.%02d.%02d" % (rng.randint(2020, 2026), rng.randint(1, 12), rng.randint(1, 28))
    if t == 3:
        return "%02d/%02d/%d" % (rng.randint(1, 28), rng.randint(1, 12), rng.randint(2020, 2026))
    if t == 4:
        return "营业 %d:30-%d:00" % (rng.randint(6, 11), rng.randint(18, 23))
    if t == 5:
        return "Hours %d am - %d pm" % (rng.randint(6, 11), rng.randint(5, 11))
    if t == 6:
        return "%s.example.com" % rng.choice(_URL_WORDS)
    if t == 7:
        return "Only $%d.%02d" % (rng.randint(1, 199), rng.choice([5, 45, 75, 95]))
    if t == 8:
        return "订餐热线 1%d-%04d-%04d" % (rng.randint(30, 99), rng.randint(0, 9999), rng.randint(0, 9999))
    if t == 9:
        return "净含量：%d%s" % (rng.choice([100, 250, 330, 500, 750, 1000, 1500]), rng.choice(_UNITS))
    if t == 10:
        return "保质期%d个月" % rng.choice([3, 6, 9, 12, 18, 24, 36])
    return "SALE %d%% OFF" % rng.choice([10, 15, 20, 25, 30, 40, 50, 70])


_ZH_PROSE = [
    "这座小城的夜市已经有三十多年的历史。每到傍晚，街道两旁便支起一排排摊位，烤串、凉面、糖葫芦应有尽有。"
    "下班的年轻人和散步的老人都喜欢来这里转一转，一边吃一边聊天。最受欢迎的是一家卖炒米粉的小摊，老板娘手脚麻利，"
    "一晚上能卖出几百份。夜深了，灯光渐暗，摊主们才收拾好东西回家。",
    "社区图书馆位于街道服务中心的三楼，面积不大，却收藏了一万多册图书。馆内设有儿童阅读区和自习室，周末常常座无虚席。"
    "读者凭身份证即可免费办理借书证，每次最多借阅五本，借期一个月。图书馆还定期举办读书分享会和手工课程，"
    "吸引了不少附近的居民参加。",
    "包饺子是北方人过年必不可少的习俗。除夕下午，一家人围坐在桌旁，有的和面，有的剁馅，有的擀皮。"
    "馅料多用猪肉白菜或者韭菜鸡蛋，讲究的人家还会包进一枚硬币，谁吃到了就预示着来年好运。饺子煮好后，"
    "大家一起守岁，看春节联欢晚会，直到新年的钟声敲响。",
    "这款有机大米产自东北黑土地，生长期长达一百五十天。稻田采用传统方式种植，不使用化学农药。收割后的稻谷经过低温烘干，"
    "保留了米粒的天然香味。煮饭时建议米水比例为一比一点二，浸泡二十分钟口感更佳。开袋后请密封保存，并尽快食用。",
]
_EN_PROSE = [
    "The night market opens at six in the evening and runs until midnight. More than two hundred stalls sell "
    "grilled skewers, fried noodles, fresh fruit and handmade toys. Visitors are advised to bring cash, although "
    "most vendors now accept mobile payment. The busiest hours are between eight and ten.",
    "Our community library lends books, magazines and films free of charge to all residents. Members may borrow "
    "up to five items for four weeks and renew them online. Reading clubs meet every Saturday morning, and the "
    "children's corner hosts a story hour after school on weekdays.",
]
# (lang, prose, title or None)
PAGES = [
    ("zh", _ZH_PROSE[0], "夜市"),
    ("zh", _ZH_PROSE[1], None),
    ("en", _EN_PROSE[0], "Street Food After Dark"),
    ("zh", _ZH_PROSE[2], "过年包饺子"),
    ("zh", _ZH_PROSE[3], None),
    ("en", _EN_PROSE[1], None),
]
