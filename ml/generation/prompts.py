"""Prompt templates: style presets suited to cultural and tourism products, and product mock-ups.
Each expands a short instruction ("a bronze bird with spread wings") into a stable prompt and
negative prompt, in Chinese (DashScope models read it best) or English (CLIP-based local models).
The result is only a starting point: the page shows it and the user may edit it before sending."""

from __future__ import annotations

from dataclasses import dataclass

COMMON_NEGATIVE_ZH = "低分辨率，模糊，畸形，多余的手指，水印，文字错误，画面杂乱，过度曝光"
COMMON_NEGATIVE_EN = "low resolution, blurry, deformed, extra fingers, watermark, garbled text, cluttered, overexposed"


@dataclass(frozen=True)
class Template:
    key: str
    group: str  # "style" or "mockup"
    prompt_zh: str
    prompt_en: str
    negative_zh: str = ""
    negative_en: str = ""
    size_hint: str = ""  # "square", "landscape" or "portrait": the page picks a matching preset

    def expand(self, subject: str, language: str = "zh") -> tuple[str, str]:
        subject = " ".join((subject or "").split())
        if language == "en":
            prompt = self.prompt_en.format(subject=subject or "a cultural motif")
            negative = ", ".join(p for p in (self.negative_en, COMMON_NEGATIVE_EN) if p)
        else:
            prompt = self.prompt_zh.format(subject=subject or "文化主题图案")
            negative = "，".join(p for p in (self.negative_zh, COMMON_NEGATIVE_ZH) if p)
        return prompt, negative


TEMPLATES: dict[str, Template] = {t.key: t for t in (
    Template("guochao", "style",
             "{subject}，国潮风格，中国传统纹样与现代潮流设计结合，朱红、明黄、青绿撞色，祥云与回纹点缀，"
             "扁平与描边结合，高饱和度，构图饱满，适合文创产品",
             "{subject}, guochao style, modern Chinese trend design mixed with traditional patterns, vermilion, "
             "bright yellow and turquoise, auspicious clouds and fret motifs, bold outlines, saturated colours",
             "写实照片风格，灰暗色调", "photorealistic, dull colours", "square"),
    Template("ink", "style",
             "{subject}，中国水墨画风格，宣纸质感，墨色浓淡干湿变化，大面积留白，写意笔触，淡雅设色，"
             "意境悠远，落款印章点缀",
             "{subject}, traditional Chinese ink wash painting, rice paper texture, varied ink tones, generous "
             "empty space, expressive brush strokes, light colour washes, a red seal",
             "油画质感，鲜艳饱和色，3D 渲染", "oil painting, saturated colours, 3d render", "portrait"),
    Template("bronze", "style",
             "{subject}，青铜器纹样风格，商周饕餮纹、云雷纹、夔龙纹装饰，青绿铜锈色与古铜金色，浮雕质感，"
             "左右对称构图，庄重古朴",
             "{subject}, ancient Chinese bronze ware patterns, taotie and cloud-thunder motifs, verdigris green "
             "and antique gold, embossed relief texture, symmetrical composition, solemn and archaic",
             "卡通，塑料质感，荧光色", "cartoon, plastic, neon colours", "square"),
    Template("papercut", "style",
             "{subject}，中国传统剪纸艺术风格，红色剪纸，镂空花纹，阴刻阳刻结合，窗花造型，纸张纹理，"
             "干净的浅色背景，对称装饰",
             "{subject}, traditional Chinese paper-cut art, red paper, intricate hollow patterns, window flower "
             "shape, paper texture, clean light background, symmetrical ornament",
             "照片，渐变色，立体阴影过重", "photo, gradients, heavy 3d shadows", "square"),
    Template("cartoon3d", "style",
             "{subject}，3D 卡通风格，圆润可爱的造型，柔和的工作室灯光，C4D 渲染质感，马卡龙配色，"
             "干净的纯色背景，盲盒手办感",
             "{subject}, cute 3d cartoon style, rounded shapes, soft studio lighting, c4d render, pastel "
             "colours, clean plain background, collectible figure look",
             "恐怖，写实皮肤，噪点", "scary, realistic skin, noise", "square"),
    Template("flat", "style",
             "{subject}，扁平插画风格，简洁几何造型，有限的配色方案，无渐变或少量渐变，清晰的轮廓，"
             "现代矢量设计，留白得当",
             "{subject}, flat vector illustration, simple geometric shapes, limited palette, minimal gradients, "
             "crisp edges, modern graphic design, balanced empty space",
             "写实，复杂纹理，噪点", "photorealistic, complex textures, noise", "landscape"),
    Template("product", "style",
             "{subject}，专业产品摄影，柔光箱布光，干净的浅灰色背景，细腻的材质细节，浅景深，"
             "商业广告质感，高清 8K",
             "{subject}, professional product photography, softbox lighting, clean light grey background, fine "
             "material detail, shallow depth of field, commercial advertising quality, 8k",
             "杂乱背景，手指，变形", "cluttered background, hands, distortion", "square"),
    Template("mousepad", "mockup",
             "一张桌面鼠标垫的产品样机图，鼠标垫上印着：{subject}，长方形圆角鼠标垫平放在木质书桌上，"
             "旁边有键盘和鼠标，自然光，俯拍 45 度，真实材质",
             "a product mock-up of a desk mouse pad printed with: {subject}, rounded rectangular pad lying on a "
             "wooden desk next to a keyboard and mouse, natural light, 45 degree top view, realistic materials",
             "印刷图案变形，边缘模糊", "warped print, blurry edges", "landscape"),
    Template("tote", "mockup",
             "一个帆布托特包的产品样机图，包身印着：{subject}，米白色帆布质感，挂在浅色墙面或由模特手提，"
             "柔和自然光，文创商店风格",
             "a product mock-up of a canvas tote bag printed with: {subject}, off-white canvas texture, hanging on "
             "a light wall, soft natural light, museum shop style",
             "印刷图案变形，褶皱过多", "warped print, too many wrinkles", "portrait"),
    Template("postcard", "mockup",
             "一张明信片的产品样机图，正面印着：{subject}，卡纸质感，放在桌面上，旁边有钢笔和干花，"
             "俯拍，柔和光线，文旅纪念品风格",
             "a product mock-up of a postcard printed with: {subject}, card stock texture, on a table with a pen "
             "and dried flowers, top view, soft light, travel souvenir style",
             "弯折，反光过强", "bent card, strong glare", "landscape"),
    Template("phonecase", "mockup",
             "一个手机壳的产品样机图，手机壳背面印着：{subject}，哑光质感，摄像头开孔清晰，纯色背景，"
             "棚拍布光，电商主图风格",
             "a product mock-up of a phone case printed with: {subject}, matte finish, clear camera cut-out, "
             "plain background, studio lighting, e-commerce hero shot",
             "手机变形，多余的摄像头", "deformed phone, extra cameras", "portrait"),
    Template("poster", "mockup",
             "一张竖版海报的样机图，海报画面：{subject}，海报装裱在画框中挂在展厅白墙上，"
             "展厅灯光，构图居中，文旅宣传风格",
             "a mock-up of a vertical poster showing: {subject}, framed on a white gallery wall, exhibition "
             "lighting, centred composition, tourism promotion style",
             "画框歪斜，透视错误", "tilted frame, wrong perspective", "portrait"),
)}


def expand(key: str, subject: str, language: str = "zh") -> tuple[str, str]:
    """(prompt, negative prompt) for template `key`; KeyError for an unknown key."""
    return TEMPLATES[key].expand(subject, language)
