"""The pure metrics: DataFrames in, DataFrames out, one module per domain and
one model per module under models/. May import the contract, the data-quality
log and each other; never inputs, rendering, Excel or app layers."""
