"""Everything the user sees: words in each language, the layout plan, the
workbook writer, the refresh splice and the results reader. May import the
analysis results, the contract and the domain's public names; never excel or app."""
