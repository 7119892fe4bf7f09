"""The one model of Postfix's lookups in the guide's tables (docs/ARCHITECTURE.md).

What Postfix does with mail for an address, as the configuration `mailstack.config`
generates it (and the `mailstack` test layer measures against real Postfix):

- `virtual_alias_maps` (smtpd and cleanup): the address's own enabled `aliases` row, then
  (`user+tag@domain`, with a recipient delimiter) the row of `user@domain`, its results
  carrying `+tag`, then the enabled `@domain` row; disabled rows are ignored; a `@target`
  result keeps the local part; an address that maps to itself stops there (its mailbox);
  the `no-backscatter` style rewrites `user@alias` to `user@target` only when that target
  exists. Expansion is repeated up to Postfix's recursion, expansion and address length
  limits (`routing.rules`).
- `virtual_mailbox_domains`: a domain is hosted when its `domains` row is enabled.
- `virtual_mailbox_maps` and virtual(8): delivery needs an enabled `users` row of the
  address, or of the address without its extension, or an enabled `@domain` users row.

`routing.tables` reads the tables (lazily per address for one trace, or preloaded for a
whole-database pass), `routing.rules` applies the rules above to either, `routing.sources`
walks them backwards ("which addresses deliver to this mailbox"), `routing.styles` says
which alias map style is assumed and `routing.extensions` which recipient delimiter
(docs/ROUTING.md). Nothing here writes to the database.
"""
