"""One run of every check: the findings, errors first (`run_checks`)."""

from collections.abc import Iterable
from dataclasses import dataclass

from audit.findings.checks import CHECKS, CheckContext, Finding
from audit.findings.kinds import ERROR, INFO, LEVELS, WARNING


@dataclass
class FindingsRun:
    findings: list[Finding]
    style: str

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.level == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.level == WARNING)

    @property
    def infos(self) -> int:
        return sum(1 for f in self.findings if f.level == INFO)

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.kind] = counts.get(finding.kind, 0) + 1
        return counts


def run_checks(domains: Iterable[str] | None = None, *, style: str | None = None) -> FindingsRun:
    """Every check, errors first; `domains` limits what is reported (None: everything)."""
    ctx = CheckContext(domains, style=style)
    findings = [finding for check in CHECKS for finding in check(ctx)]
    findings.sort(key=lambda f: (LEVELS.index(f.level), f.kind, f.domain, f.object_id))
    return FindingsRun(findings, ctx.style)
