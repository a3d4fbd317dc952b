"""How well estimate_style reads a line's face (family, weight, lean) and size, on lines drawn with
every face the studio ships. Two splits with different phrases, sizes and colours: "dev" was looked
at while choosing the rule, "held" was not. Never part of the test run.

    python bench/text_style.py [dev] [held]
"""
import sys, time, itertools
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
import platform, os
import numpy as np
from PIL import Image, ImageDraw
from ml.text import fonts
from ml.text.edit import estimate_style

SPLITS = {
 "dev": {"zh": ["今日咖啡半价", "天路", "欢迎光临本店"], "en": ["Fresh Coffee Daily", "Open Late", "Sale 50% off"],
         "sizes": [24, 40, 64], "colors": [((250,245,235),(40,60,90)), ((20,20,20),(235,225,200))]},
 "held": {"zh": ["青铜鸟纹鼠标垫", "限时特惠", "山水之间"], "en": ["Bronze Bird Mouse Pad", "Museum Shop", "Night Market"],
         "sizes": [18, 32, 52, 80], "colors": [((200,30,30),(250,250,250)), ((255,230,0),(20,30,20))]},
}
ZH_FACES = ["sans", "sans-bold", "serif", "serif-bold"]
EN_FACES = ["latin-sans", "latin-sans-bold", "latin-serif", "latin-serif-bold", "latin-sans-oblique", "latin-sans-bold-oblique"]

def family(face):
    f = face.replace("-bold", "").replace("-oblique", "")
    return "serif" if "serif" in f else "sans"

def line(text, face, size, fg, bg):
    font = fonts.load(fonts.resolve(face), size)
    draw_probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    l, t, r, b = draw_probe.textbbox((0, 0), text, font=font)
    W, H = int(r - l) + 120, int(b - t) + 120
    image = Image.new("RGB", (W, H), bg)
    draw = ImageDraw.Draw(image)
    draw.text((60 - l, 60 - t), text, font=font, fill=fg)
    l, t, r, b = draw.textbbox((60 - l, 60 - t), text, font=font)
    return image, [[l - 8, t - 8], [r + 8, t - 8], [r + 8, b + 8], [l - 8, b + 8]]

def run(split):
    cfg = SPLITS[split]; n = fam = wt = it = sz = 0; t = 0.0; bad = []
    for lang, faces in (("zh", ZH_FACES), ("en", EN_FACES)):
        for text, face, size, (fg, bg) in itertools.product(cfg[lang], faces, cfg["sizes"], cfg["colors"]):
            image, quad = line(text, face, size, fg, bg)
            t0 = time.perf_counter(); s = estimate_style(image, quad, text); t += time.perf_counter() - t0
            n += 1
            ok_f = family(s.font) == family(face); ok_w = s.bold == ("bold" in face); ok_i = s.italic == ("oblique" in face)
            fam += ok_f; wt += ok_w; it += ok_i
            sz += abs(s.size - size) <= max(1, 0.05 * size)
            if not (ok_f and ok_w and ok_i): bad.append(f"{face}/{size}/{text[:6]}->{s.font}")
    print(f"{split}: n={n} family {fam}/{n} weight {wt}/{n} lean {it}/{n} size±5% {sz}/{n} {1000*t/n:.0f} ms/line")
    for b in bad[:12]: print("   ", b)

print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
for s in sys.argv[1:] or ["dev", "held"]:
    run(s)
