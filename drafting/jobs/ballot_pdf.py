"""The PDF of the revision a ballot is on, through the export jobs and their cache.

Voters may not see the document's own pages (a 送审稿 belongs to the drafting
group), so the ballot has its own way to the same export job and cache. The
routes live here, on the ``ballots`` blueprint, because the ballots package
sits below the jobs (which import the app factory through their queue).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from drafting.ballots.views import ballot_or_404, bp
from drafting.jobs import services as job_services
from drafting.jobs.models import JobState
from drafting.jobs.views import send_pdf

#: The wait page reloads itself this often (seconds).
REFRESH_SECONDS = 3


@bp.route("/ballots/<int:ballot_id>/revision.pdf", methods=["POST"])
def revision_pdf(ballot_id: int):
    """The PDF of the revision voted on: from the export cache, else an export job and a wait page."""
    ballot = ballot_or_404(ballot_id)
    result = job_services.request_export(ballot.document, ballot.revision, actor=current_user)
    if result.cached_path is not None:
        return send_pdf(result.cached_path, ballot.document, ballot.revision)
    return redirect(
        url_for("ballots.revision_pdf_job", ballot_id=ballot.id, job_id=result.job.id), 303
    )


@bp.route("/ballots/<int:ballot_id>/revision-pdf/<int:job_id>")
def revision_pdf_job(ballot_id: int, job_id: int):
    ballot = ballot_or_404(ballot_id)
    job = job_services.job_of(ballot.document, job_id)
    if job is None or job.revision_id != ballot.revision_id:
        abort(404)
    job_services.expire_if_stale(job)
    if job.state == JobState.DONE:
        path = job_services.result_file(job)
        if path is not None:
            return send_pdf(path, ballot.document, ballot.revision)
        job_services.fail(job, code="missing")
    return render_template(
        "ballots/pdf_wait.html",
        ballot=ballot,
        job=job,
        refresh=REFRESH_SECONDS if job.is_active else None,
        progress_text=job_services.progress_text(job),
        error_text=job_services.error_text(job) if job.state == JobState.FAILED else "",
    )
