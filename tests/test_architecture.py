"""Imports go one way (docs/ARCHITECTURE.md): the import-linter layers contract in pyproject.toml
places every module of the project, holds today, and breaks on an upward import."""

import os
from pathlib import Path

import grimp
import pytest
from importlinter.api import read_configuration
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def configuration():
    cwd = Path.cwd()
    try:
        os.chdir(ROOT)
        return read_configuration()
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def layers(configuration):
    (contract,) = [c for c in configuration["contracts_options"] if c["type"] == "layers"]
    return contract


@pytest.fixture
def graph(configuration):
    return grimp.build_graph(*configuration["session_options"]["root_packages"], cache_dir=None)


def _layer_modules(contract) -> list[str]:
    names = []
    for layer in contract["layers"]:
        for name in layer.replace("|", ":").split(":"):
            names.append(name.strip().strip("()"))
    return names


def _kept(configuration, contract, graph) -> bool:
    checker = LayersContract(
        name=contract["name"],
        session_options=configuration["session_options"],
        contract_options=contract,
    )
    return checker.check(graph, verbose=False).kept


def test_every_module_of_the_project_has_a_layer(configuration, layers):
    placed = _layer_modules(layers)
    missing = []
    for package in configuration["session_options"]["root_packages"]:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" in relative.parts or relative.name == "__init__":
                continue
            module = ".".join(relative.parts)
            if not any(module == name or module.startswith(name + ".") for name in placed):
                missing.append(module)
    assert missing == []


def test_the_contract_holds_without_ignored_imports(configuration, layers, graph):
    assert not layers.get("ignore_imports")
    assert _kept(configuration, layers, graph)


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("mailadmin.addresses", "domains.models"),  # a pure helper reads a table
        ("domains.models", "domains.services"),  # a table knows its writer
        ("aliases.models", "routing.rules"),  # a table knows the routing model
        ("routing.rules", "aliases.services"),  # the routing model writes
        ("domains.services", "accounts.access"),  # a service asks for the staff's scope
        ("audit.models", "domains.models"),  # the audit log knows the guide's tables
        ("mailstack.tracer", "aliases.forms"),  # a feature uses a form
        ("bulk.importer", "bulk.cli"),  # a feature uses the command line
        ("domains.cli", "mailadmin.management.commands.mail"),  # a plug-in imports the command
    ],
)
def test_an_upward_import_breaks_the_contract(configuration, layers, graph, importer, imported):
    graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    assert not _kept(configuration, layers, graph)


def test_every_package_of_the_project_is_installed_with_it(configuration):
    """`pip install .` (the Docker image, a production host) ships every app the settings
    load: a package missing from setuptools' include list imports only from a checkout."""
    import tomllib

    from setuptools import find_packages

    with open(ROOT / "pyproject.toml", "rb") as project:
        include = tomllib.load(project)["tool"]["setuptools"]["packages"]["find"]["include"]
    shipped = set(find_packages(str(ROOT), include=include))
    apps = set(configuration["session_options"]["root_packages"])
    assert apps - shipped == set()
