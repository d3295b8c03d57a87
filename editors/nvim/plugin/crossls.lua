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

-- The code lens's command and lenses for crossls clients that the plugin
-- did not start (nvim-lspconfig).
vim.lsp.commands['crossls.explainFile'] = function(...)
  return require('crossls.lens').explain(...)
end
if vim.fn.exists('##LspAttach') == 1 then
  vim.api.nvim_create_autocmd('LspAttach', {
    group = vim.api.nvim_create_augroup('crossls_attach', { clear = true }),
    callback = function(ev)
      local client = ev.data and vim.lsp.get_client_by_id(ev.data.client_id)
      if client ~= nil and client.name == 'crossls' then
        require('crossls.lens').attach(ev.buf)
      end
    end,
  })
end
