# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

PACKAGE_DIR ?= out
# chalice package needs a region to name ARNs; it makes no AWS call.
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: run test test-fast lint format clean package bench bench-cold browser screenshots catalogs catalogs-portal

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP)  ## the API on 127.0.0.1:$$PORT (8000) over an embedded moto on $$MOTO_PORT (5001)
	$(PY) scripts/local_run.py

# Two processes (pytest-xdist): every test of the local server's in one group on one of them (one server, one
# browser), the rest spread over both. Measured on this 2-core machine: README's "Tests".
TEST_WORKERS ?= 2

test: $(STAMP) browser  ## the whole suite: unit, API on moto, end to end over HTTP, the pages in chromium
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

test-fast: $(STAMP)  ## the unit tier alone (no moto, no server, no browser): the inner loop, well under 30 s
	$(PY) -m pytest tests/unit -p no:hypothesispytest  # (no property test here: hypothesis's plugin costs seconds)

browser:  ## Debian's chromium for the browser tests (apt-get when missing and root; else says what to install)
	@sh scripts/ensure_chromium.sh

screenshots: $(STAMP) browser  ## PNGs of the portal's main screens in docs/screens/ (against a fresh local server)
	$(PY) scripts/screenshots.py docs/screens

# The pages' words (the `portal` domain, babel-portal.cfg): extracted into portal.pot, then each language's
# portal.po updated from it (a new message arrives untranslated: tests/unit/test_portal_catalog.py says which).
PORTAL_POT := chalicelib/i18n/portal.pot
catalogs-portal: $(STAMP)  ## the pages' message template and the de/fr/es/nl portal.po updated from the scripts
	PYTHONPATH=. $(VENV)/bin/pybabel extract -F babel-portal.cfg -k t -k tn:1,2 --no-default-keywords --no-location \
		--sort-output --width=120 --project=portal-access --copyright-holder=portal-access -o $(PORTAL_POT) .
	for locale in de fr es nl; do \
		$(VENV)/bin/pybabel update -D portal -i $(PORTAL_POT) -d chalicelib/i18n -l $$locale --no-fuzzy-matching \
			--ignore-obsolete --width=120 --init-missing; \
	done

lint: $(STAMP)  ## ruff, mypy (strict, mypy.ini), cfn-lint over the packaged CloudFormation, the zip's checks
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	@rm -rf .lint-package
	$(VENV)/bin/chalice package --stage prod --merge-template infra/table.json .lint-package
	$(VENV)/bin/cfn-lint .lint-package/sam.json
	$(PY) -m scripts.slim_package .lint-package/deployment.zip --max-mb $(PACKAGE_MAX_MB)
	@rm -rf .lint-package

# The zip keeps only the botocore models of the services the function calls and Babel's data for the five
# languages, carries every module's bytecode, and must stay within this. 12 since passkeys (issue 30):
# webauthn's cryptography is 4.7 MB of the 11.4 MB zip. 20 since issue 33: the bytecode adds 5.6 MB zipped
# (14.1 MB unpacked), Babel slimmed 0.8 MB; measured 17.9 MB zipped, 52.7 MB unpacked (Lambda's own limits
# are 50 MB zipped, 250 MB unpacked).
PACKAGE_MAX_MB ?= 20

package: $(STAMP)  ## the prod SAM template and zip in $$PACKAGE_DIR (slimmed, compiled, <= PACKAGE_MAX_MB and complete, checked)
	rm -rf $(PACKAGE_DIR)
	$(VENV)/bin/chalice package --stage prod --merge-template infra/table.json $(PACKAGE_DIR)
	$(PY) -m scripts.slim_package $(PACKAGE_DIR)/deployment.zip --max-mb $(PACKAGE_MAX_MB)
	@ls -l $(PACKAGE_DIR)

# docs/languages.md: the `messages` msgids extracted into a .pot, and every language's .po updated to it
# (new msgids arrive untranslated, which the catalog test refuses until a translator fills them in).
# What marks a msgid: N_("...") anywhere, N_plural("singular", "plural") for a count's sentence, and the literal message of an error where it is raised (the
# catalog test, tests/unit/test_catalogs.py, extracts with this same line).
BABEL_KEYWORDS := N_ N_plural:1,2 AppError:2 unauthenticated rate_limited:2 changed_meanwhile limit_reached invalid_code
I18N := chalicelib/i18n
catalogs: $(STAMP)  ## extract the email and API messages (babel.cfg) and update the de, fr, es, nl catalogs
	$(VENV)/bin/pybabel extract -F babel.cfg --no-default-keywords $(addprefix -k ,$(BABEL_KEYWORDS)) \
		--no-location --no-wrap --sort-output --omit-header -o $(I18N)/messages.pot .
	@for lang in de fr es nl; do \
		if [ -f $(I18N)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(VENV)/bin/pybabel update -i $(I18N)/messages.pot -d $(I18N) -D messages -l $$lang \
				--no-fuzzy-matching --ignore-obsolete --omit-header --no-wrap; \
		else \
			$(VENV)/bin/pybabel init -i $(I18N)/messages.pot -d $(I18N) -D messages -l $$lang --no-wrap; \
		fi; \
	done

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)  ## measures against the goals and writes docs/benchmarks.md (a few minutes)
	$(PY) bench/run.py

bench-cold: $(STAMP)  ## only the cold starts (virtualenv and packaged) and the zip: their sections of docs/benchmarks.md
	$(PY) -m bench.coldstart_report

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache out .lint-package .bench-package
