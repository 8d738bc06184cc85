"""drafting: a Flask application for developing group standards."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from drafting.config import from_environment, normalise_database_url

    app.config.from_mapping(from_environment(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
            app.config["SQLALCHEMY_DATABASE_URI"]
        )
    if app.config.get("PROXY_COUNT"):
        # Behind N reverse proxies: trust their X-Forwarded-* headers, so
        # rate limits see the client's address and links use https.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    _init_logging(app)
    _init_extensions(app)
    _register_blueprints(app)

    from drafting import cli, errors, templating
    from drafting.export.environment import warn_if_slow_setup
    from drafting.jobs import speculation, tasks

    warn_if_slow_setup()
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    speculation.init_app(app)
    tasks.init_app(app)
    return app


def _init_logging(app: Flask) -> None:
    from drafting.core import logs

    logs.init_app(app)


def _init_extensions(app: Flask) -> None:
    # Models must be imported before the metadata is used.
    import drafting.models  # noqa: F401
    from drafting.accounts import auth
    from drafting.core import i18n, pagecache, requests, security, transaction
    from drafting.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    requests.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    transaction.init_app(app)
    pagecache.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            transaction.configure_sqlite(db.engine)


def _register_blueprints(app: Flask) -> None:
    from drafting.accounts.admin_views import bp as admin_bp
    from drafting.accounts.audit_views import bp as audit_bp
    from drafting.accounts.views import bp as accounts_bp
    from drafting.api import applications as _api_applications  # noqa: F401
    from drafting.api import approval as _api_approval  # noqa: F401
    from drafting.api import ballots as _api_ballots  # noqa: F401
    from drafting.api import calls as _api_calls  # noqa: F401
    from drafting.api import consultation as _api_consultation  # noqa: F401
    from drafting.api import documents as _api_documents  # noqa: F401
    from drafting.api import exports as _api_exports  # noqa: F401
    from drafting.api import groups as _api_groups  # noqa: F401
    from drafting.api import reviews as _api_reviews  # noqa: F401
    from drafting.api import views as _api_views  # noqa: F401  (registers routes)
    from drafting.api import word as _api_word  # noqa: F401
    from drafting.api.core import bp as api_bp
    from drafting.applications.notify import connect_signals as connect_application_signals
    from drafting.applications.views import bp as applications_bp
    from drafting.approval.services import connect_signals as connect_approval_signals
    from drafting.approval.views import bp as approval_bp
    from drafting.ballots.services import connect_signals as connect_ballot_signals
    from drafting.ballots.views import bp as ballots_bp
    from drafting.calls.views import bp as calls_bp
    from drafting.comparison.views import bp as comparison_bp
    from drafting.consultation.services import connect_signals as connect_consultation_signals
    from drafting.consultation.views import bp as consultation_bp
    from drafting.documents.views import bp as documents_bp
    from drafting.jobs import (
        ballot_pdf as _ballot_pdf,  # noqa: F401  (routes on the ballots blueprint)
    )
    from drafting.jobs.views import bp as jobs_bp
    from drafting.main.views import bp as main_bp
    from drafting.reviews.views import bp as reviews_bp
    from drafting.word.views import bp as word_bp

    # Cross-domain effects: the higher package connects to the lower one's signals.
    connect_application_signals()
    connect_approval_signals()
    connect_consultation_signals()
    connect_ballot_signals()
    for bp in (main_bp, accounts_bp, admin_bp, audit_bp, api_bp):
        app.register_blueprint(bp)
    for bp in (calls_bp, applications_bp, reviews_bp):
        app.register_blueprint(bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(approval_bp)
    app.register_blueprint(ballots_bp)
    app.register_blueprint(comparison_bp)
    app.register_blueprint(consultation_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(word_bp)
