"""Files & problems tab: what each file gave (sources, number of scores), every problem in plain words, and a
button to remove a file."""

from __future__ import annotations

import panel as pn

from eval_analyzer.core.errors import Problem
from eval_analyzer.core.messages import render_where
from eval_analyzer.dashboard.htmltext import esc, size_text
from eval_analyzer.dashboard.views.base import View

_SEVERITY_COLOURS = {"error": "#a30000", "warning": "#8a4b00", "notice": "#555"}


class FilesView(View):
    """Rebuilt whenever the loaded data changes (a handful of rows, so rebuilding is cheap)."""

    def __init__(self, **params):
        super().__init__(**params)
        self._layout = pn.Column(sizing_mode="stretch_width", css_classes=["ea-files"])
        self.store.data.param.watch(lambda *_e: self.refresh(), ["loaded", "extra_problems"])
        self.refresh()

    def _problem_html(self, problem: Problem) -> str:
        colour = _SEVERITY_COLOURS.get(problem.severity, "#333")
        lang = self.lang
        what, fix_text = problem.text(lang)
        where = f" ({esc(render_where(problem.where, lang))})" if problem.where else ""
        fix = (f' <span class="ea-fix">{esc(self.t("what_to_do"))} {esc(fix_text)}</span>' if fix_text else "")
        return (f'<li class="ea-problem ea-problem-{esc(problem.severity)}"><b style="color:{colour}">'
                f'{esc(self.t("severity_" + problem.severity))}</b>: <span class="ea-problem-file">'
                f'{esc(problem.file)}</span>{where}: {esc(what)}{fix}</li>')

    def refresh(self) -> None:
        data = self.store.data
        rows = []
        if data.extra_problems:
            items = "".join(self._problem_html(p) for p in data.extra_problems)
            rows.append(pn.pane.HTML(f'<ul class="ea-extra-problems">{items}</ul>', sizing_mode="stretch_width"))
        if not data.loaded.files:
            rows.append(pn.pane.HTML(f'<p class="ea-no-files">{esc(self.t("no_files"))}</p>'))
        for report in data.loaded.files:
            sources = ", ".join(report.sources) or "—"
            problems = "".join(self._problem_html(p) for p in report.problems)
            body = (f'<div class="ea-file" data-file="{esc(report.name)}"><b class="ea-file-name">'
                    f'{esc(report.name)}</b> <small>({size_text(report.size)})</small><br>'
                    f'{esc(self.t("file_sources"))}: <span class="ea-file-sources">{esc(sources)}</span> · '
                    f'{esc(self.t("file_scores"))}: <span class="ea-file-scores">{report.n_scores}</span>'
                    + (f' · {esc(self.t("file_questions"))}: <span class="ea-file-questions">{report.n_questions:,}'
                       '</span>' if report.n_questions else "")
                    + (f'<ul class="ea-file-problems">{problems}</ul>' if problems else "") + "</div>")
            button = pn.widgets.Button(name=self.t("remove"), button_type="light", width=90,
                                       css_classes=["ea-remove"])
            button.on_click(lambda _e, name=report.name: self.store.data.remove_file(name))
            rows.append(pn.Row(pn.pane.HTML(body, sizing_mode="stretch_width"), button,
                               sizing_mode="stretch_width", styles={"border-bottom": "1px solid #eee"},
                               css_classes=["ea-file-row"]))
        self._layout[:] = rows

    def relabel(self) -> None:
        self.refresh()

    def __panel__(self):
        return self._layout
