"""The zip download of a job's cutouts (pages and API)."""

from django.utils.http import content_disposition_header

from gallery import files


def cutouts_zip_response(job, cutouts):
    response = files.items_zip_response(cutouts)
    response["Content-Disposition"] = content_disposition_header(True, f"cutouts-{str(job.id)[:8]}.zip")
    return response
