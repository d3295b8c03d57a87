-- The code lens at the top of a file that some targets leave out ("builds
-- for 3 of 4 targets — not windows/amd64"), where this Neovim shows code
-- lenses, and its command, which opens the file's explanation.
local compat = require('crossls.compat')
local config = require('crossls.config')

local M = {}

local attached = {}

-- refresh asks for the lenses of the current buffer again (Neovim 0.7 to
-- 0.11; 0.12 keeps them up to date itself once enabled).
local function refresh(bufnr)
  if vim.api.nvim_get_current_buf() == bufnr and #compat.clients('crossls', bufnr) > 0 then
    pcall(vim.lsp.codelens.refresh, { bufnr = bufnr })
  end
end

-- attach shows the lenses of bufnr, once per buffer.
function M.attach(bufnr)
  if not config.options.codelens or vim.lsp.codelens == nil or attached[bufnr] then
    return
  end
  attached[bufnr] = true
  if vim.lsp.codelens.enable ~= nil then
    vim.lsp.codelens.enable(true, { bufnr = bufnr })
    return
  end
  local group = vim.api.nvim_create_augroup('crossls_lens_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      refresh(bufnr)
    end,
  })
  vim.api.nvim_create_autocmd('User', {
    group = group,
    pattern = 'CrosslsMatrix',
    callback = function()
      refresh(bufnr)
    end,
  })
  vim.api.nvim_create_autocmd('BufWipeout', {
    group = group,
    buffer = bufnr,
    callback = function()
      attached[bufnr] = nil
      pcall(vim.api.nvim_del_augroup_by_id, group)
    end,
  })
  refresh(bufnr)
end

-- explain is the lens's command, crossls.explainFile: the server's
-- explanation of the file in a floating window.
function M.explain(command, ctx)
  local arg = command and command.arguments and command.arguments[1]
  local client = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id) or require('crossls').client()
  if type(arg) ~= 'table' or client == nil then
    return
  end
  compat.request(client, 'workspace/executeCommand', { command = 'crossls.explainFile', arguments = { arg } }, function(err, result)
    if err ~= nil or type(result) ~= 'table' or type(result.markdown) ~= 'string' or result.markdown == '' then
      return
    end
    M.last = result.markdown
    vim.lsp.util.open_floating_preview(vim.split(result.markdown, '\n'), 'markdown', { border = 'rounded', focus_id = 'crossls_explain' })
  end)
end

return M
