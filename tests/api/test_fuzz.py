"""The OpenAPI fuzzer, inside the suite: schemathesis reads /api/v1/openapi.json and
sends valid and invalid requests to every operation, as anonymous, a member and the
secretariat, straight into the WSGI app (no network).

It fails on any 500, on a response that does not match the documented schema and
on a status the document does not list. The seed and the number of examples are
fixed, so a run is reproducible and takes a minute or two on a small machine.
"""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from drafting.accounts.services import create_api_token
from drafting.api.openapi import build_openapi
from drafting.documents import services as document_services
from drafting.reviews.services import assign_reviewer
from tests.ballots.factories import make_review_world, open_on
from tests.calls.factories import make_application, make_call
from tests.documents.factories import add_image, make_world
from tests.support.factories import make_user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation and generation mode; FUZZ_EXAMPLES=200 for a longer run by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
# Routes that do slow real work per request (PDF layout): fewer examples.
SLOW = {"/api/v1/documents/{document_id}/export.pdf", "/api/v1/documents/{document_id}/exports"}


class FreshContext:
    """Each request in its own application context, as in production (see conftest)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with self.app.app_context():
            return list(self.app(environ, start_response))


def _world(db) -> tuple[object, dict]:
    """Objects for the fuzzer to find, and their ids by path parameter name."""
    w = make_world()
    call = make_call(actor=w.secretariat)
    application = make_application(call, user=w.main_editor)
    make_application(call, submit=True)
    image = add_image(w.document, w.secretariat)
    comment = document_services.add_comment(
        w.document, revision=w.document.head_revision, body="意见", actor=w.participant
    )
    reviewer = make_user("reviewer")
    assign_reviewer(call, reviewer, actor=w.secretariat)
    # A ballot on another document in 送审稿, the fuzzing member's organization among the voters.
    review = make_review_world(voters=1)
    ballot = open_on(review, orgs=[review.voter_orgs[0], w.main_org])
    db.session.commit()
    ids = {
        "call_id": call.id,
        "standard_id": call.standards[0].id,
        "requirement_id": call.requirements[0].id,
        "application_id": application.id,
        "attachment_id": application.attachments[0].id,
        "document_id": w.document.id,
        "revision_id": w.document.head_revision_id,
        "comment_id": comment.id,
        "name": image.name,
        "user_id": reviewer.id,
        "job_id": 1,
        "group_id": w.group.id,
        "organization_id": w.part_org.id,
        "ballot_id": ballot.id,
    }
    return w, ids


@pytest.mark.parametrize("role", ["anonymous", "member", "secretariat"])
def test_fuzz_the_api(app, db, role):
    world, ids = _world(db)
    headers = {"Accept-Language": "zh"}
    user = {"member": world.main_editor, "secretariat": world.secretariat}.get(role)
    if user is not None:
        _token, secret = create_api_token(user, "fuzz")
        db.session.commit()
        headers["Authorization"] = f"Bearer {secret}"
    with app.test_request_context():
        document = build_openapi(app)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = FreshContext(app)
    failures: dict[tuple, str] = {}
    statuses: Counter[int] = Counter()

    def fuzz(label: str, strategy, examples: int) -> None:
        @seed(20261201)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # report all, not the first only
                problem = next(
                    (line.strip() for line in str(exc).splitlines() if line.strip()[:4] == "- ST"),
                    str(exc).splitlines()[0],
                )
                key = (case.method, case.path, response.status_code, problem)
                if key not in failures:
                    failures[key] = (
                        f"{role} {label} {case.method} {case.formatted_path} "
                        f"query={case.query} body={getattr(case, 'body', None)!r:.300}: "
                        f"{response.status_code} {problem} {response.text[:300]}"
                    )

        try:
            run()
        except Unsatisfiable:
            pass  # nothing to make invalid (no parameters, no body)

    for result in schema.get_all_operations():
        operation = result.ok()
        examples = 3 if operation.path in SLOW else EXAMPLES
        names = re.findall(r"{(\w+)}", operation.path)
        assert set(names) <= set(ids), f"give the fuzzer an id for {operation.path}"
        fuzz("positive", operation.as_strategy(generation_mode=GenerationMode.POSITIVE), examples)
        fuzz("negative", operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), examples)
        if names:
            # Random ids mostly miss (404); this pass aims at the objects that exist.
            known = operation.as_strategy(
                generation_mode=GenerationMode.POSITIVE,
                path_parameters={name: ids[name] for name in names},
            )
            fuzz("known", known, examples)
    print(role, sorted(statuses.items()))
    assert not failures, "\n".join(list(failures.values())[:40])
    # The run reached the views, not only the validation in front of them.
    # (Anonymous users reach only the public calls and this document.)
    least = 3 if role == "anonymous" else 50
    assert sum(n for status, n in statuses.items() if status < 300) >= least, statuses
