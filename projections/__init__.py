"""Read side: positions, past due, explanations and timelines as pure folds over a facility's
events (the contract §3-§4). Imports `domain` only; never `cli` or database code."""
