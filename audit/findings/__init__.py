"""What is broken or risky in the mail tables: the adoption report (`mail check`) and the
findings page.

- `kinds`: the finding kinds and levels (imports nothing of the project);
- `texts`: what each finding says, one sentence of the catalogues per case, stored by key;
- `checks`: one check function per kind, over a `CheckContext`;
- `report`: `run_checks`, every check in one `FindingsRun`;
- `store`: `run_and_save`, the stored reports of a large database's findings page.
"""
