"""The DEV split: tune on this one. Phrases, faces and photos never appear in splits/untouched.py.

Its phrases start with every phrase of shared/data/tools/dev_config.py (the 40-image set every
constant so far was tuned on; all written for this project) and add more of the same kinds; faces
include the four of that set plus other Debian faces; photos include its eight scikit-image photos and
eight P3M portraits plus 14 of the alphamatting.com photos. Run:

    python bench/textsets/make_datasets.py --split dev --out bench/out/textsets/dev
"""

from splits.common import *  # noqa: F401,F403  (counts and style shared by both splits)
from splits.common import cjk, face

SPLIT = "dev"
SEED = 20241

FONTS_CJK = [
    cjk("NotoSansCJK-SC-Regular", "NotoSansCJK-Regular.ttc"),
    cjk("NotoSansCJK-SC-Bold", "NotoSansCJK-Bold.ttc"),
    cjk("NotoSerifCJK-SC-Bold", "NotoSerifCJK-Bold.ttc"),
]
FONTS_LATIN = [face(n, n + ".ttf") for n in [
    "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansCondensed", "DejaVuSansMono",  # the shared/data set's four
    "DejaVuSans-Oblique", "DejaVuSerif", "DejaVuSerif-BoldItalic", "DejaVuSerifCondensed-Bold",
    "DejaVuSansCondensed-BoldOblique", "DejaVuSansMono-BoldOblique",
    "LiberationSans-Regular", "LiberationSans-BoldItalic", "LiberationSerif-Bold", "LiberationSerif-Italic",
    "LiberationSansNarrow-Regular", "LiberationSansNarrow-BoldItalic", "LiberationMono-Bold",
    "LiberationMono-BoldItalic",
]]
FONTS_PARAGRAPH_ZH = [FONTS_CJK[0]]
FONTS_PARAGRAPH_EN = [FONTS_LATIN[i] for i in (0, 2, 5, 10)]
FONTS_TITLE = [FONTS_CJK[1], FONTS_CJK[2]]

P3M = ["p3m_p_015cd10e.jpg", "p3m_p_07141906.jpg", "p3m_p_0865636e.jpg", "p3m_p_09ba26b4.jpg",
       "p3m_p_22fc0130.jpg", "p3m_p_514ca06a.jpg", "p3m_p_51c916fc.jpg", "p3m_p_71bcce3a.jpg"]
PHOTO_SOURCES = [
    "skimage:astronaut", "skimage:coffee", "skimage:chelsea", "skimage:rocket", "skimage:camera",
    "skimage:brick", "skimage:grass", "skimage:clock",
] + ["people:" + p for p in P3M] + ["matting-eval:am_GT%02d.png" % k for k in range(1, 15)]

ZH_PHRASES = [
    # museum labels
    "青铜器展厅", "宋代青瓷莲花碗", "明代山水画卷", "请勿触摸展品", "唐代三彩骆驼俑", "清代白玉如意",
    "书法艺术陈列馆", "古代丝绸之路文物展", "元代青花瓷大盘", "汉代铜镜", "展品修复中，敬请谅解",
    "本展厅禁止使用闪光灯", "新石器时代彩陶罐", "战国漆器耳杯", "民间剪纸艺术",
    # signs
    "游客服务中心", "售票处", "出口", "前方景区入口", "观光缆车乘坐点", "小心台阶", "禁止吸烟", "安全出口",
    "母婴室", "无障碍通道", "失物招领", "请排队候车", "山顶观景台", "古镇停车场", "欢迎光临古城景区",
    "文明旅游，从我做起", "保护文物，人人有责", "景区内禁止攀爬", "儿童请由家长陪同", "行李寄存处",
    # souvenirs / products
    "手工制作，匠心传承", "传统茶礼盒", "地方特产专卖", "精选桂花糕", "熊猫纪念徽章", "古法红糖",
    "非遗手作扇子", "一杯好茶，一份心意", "带一份回忆回家", "限量版文创书签", "真丝围巾", "老字号糕点铺",
    "手绘瓷杯", "原产地直供", "买二送一",
    # menu
    "宫保鸡丁", "麻婆豆腐", "西湖醋鱼", "小笼包", "酸辣汤", "扬州炒饭", "糖醋排骨", "清蒸鲈鱼", "红烧肉",
    "蟹黄汤包", "桂花酒酿圆子", "今日特价", "招牌菜", "本店推荐", "冰镇酸梅汤", "牛肉拉面", "素炒时蔬",
    "手工水饺",
    # culture / general
    "营业时间", "春节快乐", "中秋佳节 团圆美满", "传统文化体验馆", "茶艺表演每日两场", "古琴演奏会",
    "皮影戏剧场", "江南水乡风情", "登高望远", "山水之间", "品味千年古韵", "历史文化街区",
]

EN_PHRASES = [
    "Bronze Gallery", "Please Do Not Touch", "Song Dynasty Celadon Bowl", "Visitor Center", "Ticket Office",
    "Exit", "No Flash Photography", "Handmade Tea Set", "Welcome to the Old Town", "Gift Shop", "Mind the Step",
    "Scenic Viewpoint", "Cable Car Station", "Lost and Found", "Restrooms", "Emergency Exit",
    "Silk Scarf 100% Mulberry Silk", "Limited Edition Bookmark", "Local Specialty Snacks", "Kung Pao Chicken",
    "Mapo Tofu", "Steamed Dumplings", "Hot and Sour Soup", "Fried Rice with Egg", "Sweet and Sour Pork",
    "Chef's Special", "Daily Special", "Opening Hours", "Happy New Year", "Traditional Paper Cutting",
    "Ancient Scroll Painting", "Calligraphy Hall", "Tea Ceremony Daily", "Shadow Puppet Theater",
    "Please Queue Here", "No Smoking", "Parking Lot", "Souvenirs and Crafts", "Made by Local Artisans",
    "Fresh Osmanthus Cake", "Panda Pin Collection", "Buy Two Get One Free", "Children Must Be Accompanied",
    "Keep Off the Grass", "Audio Guide Rental", "Guided Tour Starts Here", "Bamboo Forest Trail",
    "Sunset Terrace", "Museum Cafe", "Free Admission Today", "Porcelain Vase, Qing Dynasty",
    "Jade Carving Workshop", "Night Market", "Hand Painted Fans", "Summer Festival", "Closed for Restoration",
    "Temple Entrance", "Morning Market", "Green Tea Ice Cream", "Spicy Beef Noodles",
]

MIXED_PHRASES = [
    "出口 Exit", "售票处 Ticket Office", "卫生间 Restroom", "小心台阶 Mind the Step", "禁止吸烟 No Smoking",
    "游客中心 Visitor Center", "咖啡 Coffee ¥28", "新品 New", "WiFi 免费", "扫码购票 QR Code", "免费WiFi覆盖",
    "5G体验馆", "VIP通道", "3D光影展", "手机充电 Phone Charging", "纪念品商店 Gift Shop", "茶室 Tea Room",
    "出租车上客点 Taxi", "第2展厅 Hall 2", "拿铁 Latte", "北门 North Gate", "APP扫码导览", "ATM自助银行",
]

SHORT_TEXTS = ["茶", "福", "面", "酒店", "OK", "Tea", "SALE", "出口", "Hi", "88"]

_URL_WORDS = ["tea", "museum", "oldtown", "silkroad", "lanterns", "crafts"]


def numeric_line(rng):
    """Prices, dates, opening hours, URLs, phone numbers (dev templates)."""
    t = rng.randrange(12)
    if t == 0:
        return "票价：¥%d" % rng.choice([20, 30, 45, 60, 80, 120, 150, 198])
    if t == 1:
        return "¥%d.00" % rng.randint(5, 399)
    if t == 2:
        return "%d年%d月%d日" % (rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28))
    if t == 3:
        return "%d-%02d-%02d" % (rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28))
    if t == 4:
        return "开放时间 %02d:00-%d:30" % (rng.randint(7, 10), rng.randint(16, 21))
    if t == 5:
        return "Open %d:00 - %d:00" % (rng.randint(7, 10), rng.randint(17, 22))
    if t == 6:
        return "www.%s.example.cn" % rng.choice(_URL_WORDS)
    if t == 7:
        return "Price: $%d.%02d" % (rng.randint(1, 99), rng.choice([0, 50, 99, 25]))
    if t == 8:
        return "咨询电话：0%d-%d" % (rng.randint(10, 99), rng.randint(10000000, 99999999))
    if t == 9:
        return "第%d号展柜" % rng.randint(1, 60)
    if t == 10:
        return "限购%d件" % rng.randint(2, 9)
    return "Tel: +86 %d %04d %04d" % (rng.randint(130, 199), rng.randint(0, 9999), rng.randint(0, 9999))


_ZH_PROSE = [
    "古镇坐落在一条清澈的小河旁，河上架着十几座石桥。清晨时分，薄雾从水面升起，早起的居民在岸边洗菜、聊天，"
    "茶馆里已经坐满了客人。沿着青石板路慢慢走，可以看到许多保存完好的老房子，白墙黑瓦，木窗雕花。街角的小店里，"
    "老师傅正在编织竹篮，手法娴熟，几分钟便完成一个精巧的作品。游客们常常在这里停下脚步，拍照留念。",
    "本馆收藏各类文物两万余件，其中以陶瓷、青铜器和书画最具特色。展览按照时代顺序排列，从新石器时代的彩陶一直到"
    "明清时期的精美瓷器，完整地展现了中华文明的发展历程。为了更好地保护展品，馆内部分区域光线较暗，请游客理解。"
    "每天上午十点和下午三点设有免费讲解，欢迎在服务台预约。",
    "春茶采摘一般从清明前后开始。茶农们天不亮就上山，把最嫩的芽叶一片一片摘下，放进身后的竹篓里。采回来的鲜叶要"
    "经过摊晾、杀青、揉捻和干燥等多道工序，才能成为杯中清香的绿茶。好茶需要好水，泡茶时水温不宜过高，八十度左右"
    "最为合适。细细品尝，先苦后甜，回味悠长。",
]
_EN_PROSE = [
    "The old harbour town grew rich on the tea and silk trade. Today its narrow lanes are lined with small "
    "workshops where visitors can watch craftspeople carve wood, paint porcelain and weave baskets. Most shops "
    "open at nine in the morning and close after sunset, when lanterns are lit along the river.",
]
# (lang, prose, title or None)
PAGES = [
    ("zh", _ZH_PROSE[0], "古镇漫步"),
    ("zh", _ZH_PROSE[1], None),
    ("en", _EN_PROSE[0], None),
    ("zh", _ZH_PROSE[2], "春茶"),
]

# ---- added for the 5x set (same kinds: signs, menus, posters, product labels)
ZH_PHRASES += [
    "地铁站入口", "公交换乘站", "洗手间在二楼", "电梯故障维修中", "请勿倚靠车门", "非机动车道", "前方施工 请绕行",
    "限速三十公里", "禁止停车", "凭票入场", "检票口", "儿童票半价", "营业中", "暂停营业", "欢迎品尝",
    "新鲜水果", "每日现烤面包", "手工酸奶", "现磨咖啡", "奶茶第二杯半价", "鲜榨橙汁", "麻辣香锅", "羊肉串",
    "煎饼果子", "豆浆油条", "桂林米粉", "重庆小面", "黄焖鸡米饭", "净含量", "配料表", "保质期", "产地：浙江杭州",
    "请置于阴凉干燥处", "开封后请冷藏", "纯天然无添加", "夏季音乐节", "周末亲子活动", "摄影作品展", "新年快乐",
    "春季新品上市", "全场八折", "会员专享", "扫码领取优惠券", "欢迎下次光临", "药店", "眼镜店", "理发店",
    "五金建材", "书店", "花店",
]
EN_PHRASES += [
    "Subway Entrance", "Bus Stop", "Elevator Out of Order", "Road Work Ahead", "Speed Limit 30", "No Parking",
    "Ticket Check", "Open Now", "Temporarily Closed", "Fresh Fruit", "Freshly Baked Bread", "Homemade Yogurt",
    "Espresso Bar", "Orange Juice", "Net Weight", "Ingredients", "Best Before", "Keep Refrigerated",
    "Store in a Cool Dry Place", "All Natural", "Summer Music Festival", "Family Weekend", "Photo Exhibition",
    "New Arrivals", "Members Only", "Thank You for Visiting", "Pharmacy", "Barber Shop", "Bookstore",
    "Flower Shop", "Hardware Store", "Free Refills", "Take Away", "Wet Floor", "Staff Only",
]
MIXED_PHRASES += [
    "地铁 Metro", "公交站 Bus Stop", "营业中 OPEN", "书店 Books", "花店 Flowers", "药店 Pharmacy",
    "全场8折", "满100减20", "第3站台", "B2停车场", "USB充电口", "Wi-Fi密码",
]
_ZH_PROSE += [
    "老街的早市天一亮就热闹起来。卖菜的摊位一字排开，青菜上还带着露水，豆腐坊门口冒着热气。买早点的人排成长队，"
    "油条在锅里翻滚，香气飘出很远。熟人见面总要停下来说几句话，问问家里的老人孩子。太阳升高以后，摊贩们陆续收摊，"
    "街道又恢复了平静。",
]
_EN_PROSE += [
    "Every spring the valley fills with visitors who come to see the tea terraces in bloom. Local guides lead "
    "small groups along the ridge path, stopping at farms where families have grown tea for generations. The walk "
    "takes about three hours and ends at a village square with a view over the river.",
]
PAGES += [("zh", _ZH_PROSE[3], "早市"), ("en", _EN_PROSE[1], "Spring in the Valley")]
