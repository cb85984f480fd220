"""The quiz side of ``starter`` and ``export``.

A student edition (``student_edition: true``, written here by ``gradquiz export``;
see ``grader.quiz.edition``) keeps every question and prompt but no answer key or
hint; ``check`` reports its answers as recorded, to be graded later.
"""

from __future__ import annotations

import yaml

# -- starter -----------------------------------------------------------------------------------


def quiz_starter(path, data, positions, student) -> str:
    """An answers file with every question id, its prompt (and choices) as comments."""
    from grader.quiz import answers_head, help_text, load_quiz

    quiz = load_quiz(path, student, data, positions)
    out = [f"# Answers to quiz '{quiz.id}' ({quiz.title}). Fill in each answer, then run:", f"#   gradquiz check {quiz.id}.answers.yaml"]
    if quiz.params:
        from grader.problems import describe

        out.append(f"# Your variant{f' (student {quiz.student})' if quiz.student else ''}: {describe(quiz.params)}")
    out.append(yaml.safe_dump(answers_head(quiz), sort_keys=False, allow_unicode=True).rstrip())
    out.append("answers:")
    for q in quiz.questions:
        out.append("")
        lines = q.prompt.strip().splitlines() + [f"  {i}: {c}" for i, c in enumerate(q.choices)]
        lines.append(help_text(q) + (" (Hidden: graded later, no feedback now.)" if q.hidden else ""))
        out.append(f"  # {q.id} ({q.points_label})")
        out += [f"  # {line}".rstrip() for line in lines]
        out.append(f"  {q.id}:")
    return "\n".join(out) + "\n"


# -- export ------------------------------------------------------------------------------------


def quiz_edition(path, data, positions) -> dict:
    """The quiz without answer keys and hints (every question stays: hidden ones are still answered)."""
    from grader.quiz import load_quiz

    quiz = load_quiz(path, data=data, positions=positions)  # refuse to export a broken file
    questions = []
    for raw, q in zip(data["questions"], quiz.questions, strict=False):
        kept = {k: v for k, v in raw.items() if k not in ("answer", "hint")}
        if q.kind.name == "expression" and "variables" not in kept and q.variables:
            kept["variables"] = list(q.variables)  # the key named them; the student's answer needs them
        questions.append(kept)
    out = {k: v for k, v in data.items() if k not in ("student_edition", "hidden_checks")}
    out["student_edition"] = True
    out["questions"] = questions
    order = [k for k in data if k != "questions" and k in out] + ["student_edition", "questions"]
    return {k: out[k] for k in dict.fromkeys(order)}
