"""Files in and out (platform): CSV read as people write it (`csvfiles`), XLSX tables (`xlsxtable`),
spreadsheet-safe cells (`exports`), bulk rows written with COPY or executemany (`bulkrows`) and the CLI
ending shared by the import commands (`importcli`). No domain knowledge: columns and rules come from the
domains that call them."""
