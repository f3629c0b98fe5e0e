"""Reading what the user gives: workbooks and files, cell values, parameters,
decryption and anonymisation. May import the contract and the data-quality
log; never the analysis, rendering, Excel or app layers.

The front door is kam_xl.inputs.reader (read_workbook, inputs_from_frames,
read_grids, Inputs); its docstring maps the rooms behind it."""
