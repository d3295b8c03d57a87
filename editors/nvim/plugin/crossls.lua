-- crossls: per-target diagnostics and cross-builds for Go.
-- The commands work with any crossls client, whether started by
-- require('crossls').setup(), vim.lsp.enable('crossls') or nvim-lspconfig.
if vim.g.loaded_crossls then
  return
end
vim.g.loaded_crossls = true

if vim.fn.has('nvim-0.7') ~= 1 then
  vim.api.nvim_err_writeln('crossls: Neovim 0.7 or later is required')
  return
end

require('crossls.commands').create()
