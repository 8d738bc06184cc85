.PHONY: run test setup lint translations bench

run:            ## set up, migrate, load demo data, serve on http://127.0.0.1:5000
	scripts/run.sh

test:           ## set up for tests and run the suite on SQLite and PostgreSQL
	scripts/test.sh

setup:
	scripts/setup.sh --test

lint:           ## ruff check, ruff format --check, the import contracts (.importlinter)
	.venv/bin/ruff check drafting tests bench
	.venv/bin/ruff format --check drafting tests bench
	.venv/bin/lint-imports --no-cache

translations:   ## extract strings and update the catalogues (then edit drafting/translations/*/LC_MESSAGES/messages.po)
	.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o drafting/translations/messages.pot .
	.venv/bin/pybabel update -i drafting/translations/messages.pot -d drafting/translations --no-fuzzy-matching
	.venv/bin/pybabel compile -d drafting/translations -f

bench:
	.venv/bin/python bench/export.py
	.venv/bin/python bench/editing.py
	.venv/bin/python bench/pages.py
