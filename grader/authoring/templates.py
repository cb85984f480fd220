"""The commented files ``gradquiz new exercise|quiz ID`` writes (``__ID__`` is replaced by the id).

Both validate as written (tests/test_starter_new_export.py proves it).
"""

EXERCISE = """\
# An exercise: the student writes Python functions in one file, graded by `gradquiz check`.
# Check this file with `gradquiz validate <this file>`; see docs/authoring.md for every field.

id: __ID__                    # unique among all problems; `gradquiz check __ID__.py` finds it by the file's stem
title: The derivative of a cubic   # one line shown above the student's report
# intro: Markdown for the student, copied into the starter file, where {a} shows the
# student's own value of the param a (see params below).
intro: |
  Write `derivative(x)` returning f'(x) for f(x) = {a}*x**3 + {b}*x, and `gradient(p)`
  returning the gradient of g(x, y) = x**2*y + y as a NumPy array.

# Optional: modules the submission may not import (the student does the calculus by hand).
forbid: [sympy, jax, torch, autograd, tensorflow, scipy]

# Optional: per-student variants. Each student (--student ID or $GRADQUIZ_STUDENT) draws
# one value per param, always the same for the same student; use them by name in
# f, reference, domain and at.
params:
  a: {choice: [2, 3, 5]}      # one of a list
  b: {integer: [1, 4]}        # an integer in the inclusive range
  # c: {number: [0.5, 2.0], decimals: 2}   # a number in the range, rounded to `decimals` places

# Optional: comparisons the params must satisfy (==, !=, <, <=, >, >=); a draw that breaks
# one is redrawn. Here: a and b differ.
constraints: ["a != b"]

tasks:
  - id: derivative            # unique within this file; names the result in reports
    kind: derivative          # function | derivative | second_derivative | partial | gradient | hessian | jacobian
    function: derivative      # the name the student's file must define
    f: a*x**3 + b*x           # the objective in SymPy syntax (`^` works for powers too)
    variables: [x]            # optional; default: f's free symbols (not params), sorted by name
    reference: 3*a*x**2 + b   # optional; default: derived from f with SymPy (validate checks this one)
    domain: [-2, 2]           # one interval for every variable, or {x: [-2, 2], y: [0, 1]}
    at: [-1.5, 0.5]           # check points shown in the feedback (a list [x, y] per point for several variables)
    samples: 20               # extra random points drawn in the domain (default 20)
    rtol: 1.0e-7              # optional relative tolerance: |got - expected| <= atol*(1 + max|expected|) + rtol*max(|got|, |expected|)
    atol: 1.0e-9              # optional absolute tolerance, scaled by the size of the expected values
    points: 2                 # credit for this task (default 1)
    timeout: 2                # seconds the student's calls may take (default 2)
    hint: Power rule, term by term.   # optional, shown when the task fails
    visibility: visible       # visible (default) or hidden: run only in grading mode (`check --grading`)

  - id: gradient
    kind: gradient
    function: gradient
    f: x**2*y + y
    variables: [x, y]
    call: vector              # optional: `vector` passes one 1-D array p = [x, y]; `scalars` one number per variable
    domain: {x: [-1, 1], y: [0, 2]}
    at: [[0.5, 1.0]]
    points: 2

  - id: gradient_more         # a hidden check: the same function, more points, run at grading time only
    kind: gradient
    function: gradient
    f: x**2*y + y
    variables: [x, y]
    domain: [-3, 3]
    samples: 40
    visibility: hidden

# Other task keys:
#   wrt: y                    # a `partial` task: the variable to differentiate by
#   f: [x*y, x + y]           # a `jacobian` task: f is a list of expressions, one per output
"""

QUIZ = """\
# A quiz: the student answers in a YAML file (`gradquiz starter __ID__` writes one) or in the
# terminal (`gradquiz quiz __ID__`); `gradquiz check ANSWERS.yaml` grades it.
# Check this file with `gradquiz validate <this file>`; see docs/authoring.md for every field.

id: __ID__                    # unique among all problems
title: Reading derivatives    # one line shown above the student's report
intro: |                      # optional Markdown shown before the questions
  Each answer is checked as you would check it by hand: formulas for equivalence,
  numbers within a tolerance.

# Optional: per-student variants, used by name in f, at, answer and domain; write {a}
# in prompt, hint and choices for the value (and {f}, {at} for the question's f and at).
params:
  a: {choice: [2, 3, 5]}      # one of a list; also {integer: [2, 5]} or {number: [0.5, 2.0]}
constraints: ["a >= 2"]       # optional comparisons the params must satisfy (redrawn until they do)

questions:
  - id: sign                  # unique within this quiz; the key in the answers file
    kind: sign                # the answer is derived from f: increasing | decreasing | stationary
    f: a*x**2                 # the function, SymPy syntax
    at: -0.5                  # the point (a number or an exact expression such as pi/4)
    points: 1                 # credit (default 1)

  - id: step
    kind: descent             # which way gradient descent moves x from `at`: increase | decrease | stay
    f: (x - 1)**2
    at: 3

  - id: meaning
    kind: choice
    prompt: What does f'(x) = 0 tell you about f at x?   # the question (required for choice)
    choices: [f is increasing, "a stationary point: the tangent is flat", f is undefined]
    answer: 1                 # 0-based index into choices
    hint: Think of the tangent line.   # optional, shown with a wrong answer

  - id: slope
    kind: number              # with f and at and no answer, the answer is f'(at)
    f: x**3
    at: 2
    tolerance: 1.0e-6         # optional absolute tolerance

  - id: value
    kind: number
    prompt: "f(x) = {a}x^2. What is f'(1)?"
    answer: 2*a               # a number or an exact expression such as sqrt(2)/2

  - id: rule
    kind: expression          # a formula, checked for mathematical equivalence
    prompt: "Type the derivative of sin(x)*x."
    answer: cos(x)*x + sin(x) # or give f: and no answer: the answer is then f'
    variables: [x]            # optional: the names the student may use

  - id: rising
    kind: interval            # where f is increasing (derived from f), or give `answer:` in interval notation
    f: x**2

  - id: flat
    kind: stationary_points   # the x where f' = 0 (derived from f), or give `answer:`
    f: x**3 - 3*x
    visibility: hidden        # visible (default) or hidden: asked, but graded only in grading mode
"""

TEMPLATES = {"exercise": EXERCISE, "quiz": QUIZ}
