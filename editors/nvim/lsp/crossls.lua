-- Client configuration for `vim.lsp.enable('crossls')` (Neovim 0.11+), usable
-- without calling require('crossls').setup(); options set by setup() apply.
return require('crossls').lsp_config()
