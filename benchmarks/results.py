"""One measured figure against its goal, printed as a table row."""

from dataclasses import dataclass


@dataclass
class Result:
    goal: str
    figure: str
    baseline: str
    ratio: float
    target: str
    met: bool

    def row(self) -> str:
        return f"| {self.goal} | {self.figure} | {self.baseline} | {self.ratio:.2f} | {self.target} | {'yes' if self.met else 'NO'} |"


HEADER = "| goal | measured | baseline (same run) | ratio | target | met |\n|---|---|---|---|---|---|"
