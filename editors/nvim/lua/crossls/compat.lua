-- Differences between the Neovim versions crossls supports (0.7 and later),
-- detected by feature rather than by version number.
local M = {}

local uv = vim.uv or vim.loop

M.uv = uv

-- api returns how clients are started on this Neovim:
--   'config'       vim.lsp.config + vim.lsp.enable (0.11+)
--   'start'        vim.lsp.start (0.8-0.10)
--   'start_client' vim.lsp.start_client + buf_attach_client (0.7)
function M.api()
  if vim.lsp.config ~= nil and vim.lsp.enable ~= nil then
    return 'config'
  end
  if vim.lsp.start ~= nil then
    return 'start'
  end
  return 'start_client'
end

M.api_descriptions = {
  config = 'vim.lsp.config + vim.lsp.enable (Neovim 0.11+)',
  start = 'vim.lsp.start (Neovim 0.8-0.10)',
  start_client = 'vim.lsp.start_client + buf_attach_client (Neovim 0.7)',
}

-- Up to 0.10 client methods are closures stored in the client table and
-- called with a dot; from 0.11 they are methods of the client's class,
-- called with a colon (the instance keeps dot-call shims that warn).
local function method(client, name)
  local class = getmetatable(client)
  local index = type(class) == 'table' and class.__index
  local m = type(index) == 'table' and rawget(index, name)
  if type(m) == 'function' then
    return function(...)
      return m(client, ...)
    end
  end
  local f = client[name]
  return function(...)
    return f(...)
  end
end

function M.request(client, meth, params, handler, bufnr)
  return method(client, 'request')(meth, params, handler, bufnr)
end

function M.request_sync(client, meth, params, timeout_ms, bufnr)
  return method(client, 'request_sync')(meth, params, timeout_ms, bufnr)
end

function M.notify(client, meth, params)
  return method(client, 'notify')(meth, params)
end

function M.is_stopped(client)
  return method(client, 'is_stopped')()
end

-- clients returns the running clients named name, optionally only those
-- attached to bufnr.
function M.clients(name, bufnr)
  local all
  if vim.lsp.get_clients ~= nil then
    all = vim.lsp.get_clients({ name = name, bufnr = bufnr })
  elseif bufnr ~= nil then
    all = {}
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      all[#all + 1] = c
    end
  else
    all = vim.lsp.get_active_clients()
  end
  local out = {}
  for _, c in ipairs(all) do
    if c.name == name and not M.is_stopped(c) then
      out[#out + 1] = c
    end
  end
  table.sort(out, function(a, b)
    return a.id < b.id
  end)
  return out
end

-- health returns the :checkhealth reporting functions: vim.health.start/ok/...
-- (0.10+), vim.health.report_* (0.8-0.9) or require('health').report_* (0.7).
function M.health()
  local h = vim.health or require('health')
  return {
    start = h.start or h.report_start,
    ok = h.ok or h.report_ok,
    info = h.info or h.report_info,
    warn = h.warn or h.report_warn,
    error = h.error or h.report_error,
  }
end

-- exec_autocmds fires a User autocommand; data is passed where supported
-- (0.8+).
function M.user_event(pattern, data)
  local ok = pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = pattern, modeline = false, data = data })
  if not ok then
    vim.api.nvim_exec_autocmds('User', { pattern = pattern, modeline = false })
  end
end

-- system runs argv (never through a shell) in cwd and returns its combined
-- output and exit code, or nil and a message when it cannot be run.
function M.system(argv, cwd, timeout_ms)
  local out, code = {}, nil
  local function collect(_, data)
    for _, line in ipairs(data or {}) do
      if line ~= '' then
        out[#out + 1] = line
      end
    end
  end
  local ok, id = pcall(vim.fn.jobstart, argv, {
    cwd = cwd,
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = collect,
    on_stderr = collect,
    on_exit = function(_, c)
      code = c
    end,
  })
  if not ok then
    return nil, tostring(id)
  end
  if id <= 0 then
    return nil, argv[1] .. ': not executable'
  end
  if vim.fn.jobwait({ id }, timeout_ms or 10000)[1] == -1 then
    vim.fn.jobstop(id)
    return nil, table.concat(argv, ' ') .. ': timed out'
  end
  -- on_exit runs after jobwait returns on some versions: let it catch up.
  vim.wait(1000, function()
    return code ~= nil
  end, 10)
  return table.concat(out, '\n'), code
end

return M
