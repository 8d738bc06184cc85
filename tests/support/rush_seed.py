"""Create the organizations and users of the deadline-rush test quickly.

Run in the instance's environment (after `flask seed-demo`):

    python -m tests.support.rush_seed <n_shared_orgs> <users_per_shared_org> <n_solo_orgs> <n_editors>

Prints one JSON object: the open call, its requirements and standards, the
member logins grouped by organization, the editors' logins and the demo
document. One password hash is reused for every user, so that creating 60
users takes a moment instead of 60 argon2 hashes.
"""

from __future__ import annotations

import json
import sys

from sqlalchemy import select

from drafting import create_app
from drafting.accounts.credit_code import check_character
from drafting.accounts.models import Organization, OrganizationType, Role, User
from drafting.accounts.passwords import hash_password
from drafting.calls.models import Call
from drafting.core.timeutil import utcnow
from drafting.documents.models import StandardDocument
from drafting.extensions import db
from drafting.groups.models import GroupRole

PASSWORD = "rush-password-2026"


def main(n_shared: int, per_shared: int, n_solo: int, n_editors: int) -> dict:
    app = create_app()
    with app.app_context():
        now = utcnow()
        pw = hash_password(PASSWORD)
        call = next(c for c in db.session.scalars(select(Call).order_by(Call.id)) if c.is_open())
        document = db.session.scalars(
            select(StandardDocument).order_by(StandardDocument.id)
        ).first()
        main_org = next(
            m.organization for m in document.drafting_group.memberships if m.role == GroupRole.MAIN
        )

        def user(email: str, name: str, org: Organization, admin: bool) -> None:
            db.session.add(
                User(
                    email=email,
                    name=name,
                    password_hash=pw,
                    role=Role.MEMBER,
                    organization=org,
                    is_org_admin=admin,
                    email_confirmed_at=now,
                )
            )

        orgs = []
        for i in range(n_shared + n_solo):
            first17 = f"91310000MA1R{i:05d}"
            org = Organization(
                name=f"截止日企业{i:03d}有限公司",
                credit_code=first17 + check_character(first17),
                type=OrganizationType.ENTERPRISE,
                address="上海",
            )
            db.session.add(org)
            n_users = per_shared if i < n_shared else 1
            emails = [f"rush{i:03d}.{k}@rush.example" for k in range(n_users)]
            for k, email in enumerate(emails):
                user(email, f"申报人{i}-{k}", org, k == 0)
            orgs.append({"name": org.name, "shared": i < n_shared, "emails": emails})
        editors = [f"editor{k}@rush.example" for k in range(n_editors)]
        for k, email in enumerate(editors):
            user(email, f"编辑{k}", main_org, False)
        db.session.commit()
        return {
            "call_id": call.id,
            "requirements": [
                {
                    "id": r.id,
                    "mandatory": r.mandatory,
                    "needs_statement": r.needs_statement,
                    "needs_file": r.needs_file,
                }
                for r in call.requirements
            ],
            "standards": [s.id for s in call.standards],
            "organizations": orgs,
            "editors": editors,
            "document_id": document.id,
            "password": PASSWORD,
        }


if __name__ == "__main__":
    print(json.dumps(main(*(int(a) for a in sys.argv[1:5]))))
