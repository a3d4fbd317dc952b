"""The .txt and .json downloads of an OCR job, built from job.result only."""

import json

from gallery.models import Job


def export_txt(job: Job) -> str:
    images = job.result.get("images", [])
    if len(images) == 1:
        return images[0]["text"] + "\n" if images[0]["text"] else ""
    parts = []
    for image in images:
        parts.append(f"== {image['name']} ==\n{image['text']}".rstrip() + "\n")
    return "\n".join(parts)


def export_data(job: Job) -> dict:
    r = job.result
    return {
        "job": str(job.id), "engine": r.get("engine", job.engine), "model": r.get("model", job.model_name),
        "languages": r.get("languages", []),
        "images": [
            {
                "source": i["source"], "name": i["name"], "width": i["width"], "height": i["height"],
                "text": i["text"],
                "lines": [{"text": l["text"], "score": l["score"], "quad": l["quad"]} for l in i["lines"]],
            }
            for i in r.get("images", [])
        ],
    }


def export_json(job: Job) -> str:
    return json.dumps(export_data(job), ensure_ascii=False, indent=2)


def export_filename(job: Job, fmt: str) -> str:
    images = job.result.get("images", [])
    stem = images[0]["name"].rsplit(".", 1)[0] if len(images) == 1 else f"ocr-{str(job.id)[:8]}"
    return f"{stem}-text.{fmt}"
