# The two commands of the README: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PATHS ?= guides/

.PHONY: report test lint format bench clean readme

$(VENV)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

report: $(VENV)/.installed-run
	$(BIN)/contentqa check $(PATHS) --format json,html

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) reports/*.json reports/*.html .pytest_cache

# Regenerate the README's rule table from the registry.
readme: $(VENV)/.installed-run
	$(BIN)/python -c "import re,subprocess,pathlib; p=pathlib.Path('README.md'); t=subprocess.run(['$(BIN)/contentqa','rules','--format','markdown'],capture_output=True,text=True,check=True).stdout.strip(); s=p.read_text(); p.write_text(re.sub(r'(<!-- rules:start -->\n).*?(\n?<!-- rules:end -->)', lambda m: m.group(1)+t+'\n'+m.group(2).lstrip(chr(10)), s, flags=re.S))"

# Speed, memory and detection figures (minutes; not part of `make test`). See benchmarks/README.md.
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py
