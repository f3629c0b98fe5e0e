"""Reading what the user gives: workbooks and files, cell values, parameters,
decryption and anonymisation. May import the contract and the data-quality
log; never the analysis, rendering, Excel or app layers."""
