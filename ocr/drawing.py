"""The boxed copy: every recognised line outlined on the original, numbered as in the line table."""

from PIL import Image, ImageDraw, ImageFont

COLOURS = ((230, 57, 70), (29, 120, 230), (20, 160, 90), (240, 140, 0), (150, 70, 200))


def draw_boxes(image: Image.Image, lines: list[dict]) -> Image.Image:
    out = image.convert("RGB")
    draw = ImageDraw.Draw(out)
    width = max(2, round(max(out.size) / 400))
    size = max(12, round(max(out.size) / 60))
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        font = ImageFont.load_default()
    for index, line in enumerate(lines, start=1):
        colour = COLOURS[(index - 1) % len(COLOURS)]
        points = [tuple(p) for p in line["quad"]]
        draw.line(points + [points[0]], fill=colour, width=width, joint="curve")
        x, y = points[0]
        label = str(index)
        box = draw.textbbox((0, 0), label, font=font)
        w, h = box[2] - box[0] + 6, box[3] - box[1] + 6
        top = y - h if y - h >= 0 else y
        draw.rectangle((x, top, x + w, top + h), fill=colour)
        draw.text((x + 3 - box[0], top + 3 - box[1]), label, fill=(255, 255, 255), font=font)
    return out
