-- crossls for Neovim: checks a Go module against every configured
-- cross-compilation target through the `crossls serve` language server, and
-- builds it for those targets on request.
local compat = require('crossls.compat')
local config = require('crossls.config')
local handlers = require('crossls.handlers')
local lens = require('crossls.lens')
local root = require('crossls.root')

local M = {}

-- Client ids per root, for Neovim 0.7, which has no vim.lsp.start to reuse
-- a client for a root.
local by_root = {}

-- root_dir returns the workspace root of a file path (for nvim-lspconfig's
-- root_dir(fname) convention).
function M.root_dir(fname)
  return root.find(fname, config.options.root_markers)
end

-- lsp_config returns the client configuration for the options in force, in
-- the vim.lsp.config shape (Neovim 0.11+): root_dir is a function(bufnr,
-- on_dir) there. Earlier paths replace root_dir with a path.
function M.lsp_config()
  local o = config.options
  local cfg = {
    name = 'crossls',
    cmd = vim.deepcopy(o.cmd),
    filetypes = vim.deepcopy(o.filetypes),
    root_dir = function(bufnr, on_dir)
      local dir = root.for_buffer(bufnr, o.root_markers)
      if dir ~= nil then
        on_dir(dir)
      end
    end,
    settings = config.settings(o),
    -- Trust is the user's to give, not a setting the project could set.
    init_options = { trustedWorkspace = o.trusted },
    handlers = handlers.for_client(),
    -- The code lens's command is the editor's to run (the server does not
    -- advertise it): it opens the file's explanation.
    commands = { ['crossls.explainFile'] = lens.explain },
    on_attach = function(_, bufnr)
      lens.attach(bufnr)
    end,
    on_exit = function(_, _, client_id)
      handlers.forget(client_id)
    end,
  }
  -- Neovim 0.7 answers workspace/configuration but does not announce it,
  -- so the server would never pull the settings. Newer versions announce
  -- it; leave their capabilities (and the user's additions) alone.
  local caps = vim.lsp.protocol.make_client_capabilities()
  if not (caps.workspace and caps.workspace.configuration) then
    caps.workspace = caps.workspace or {}
    caps.workspace.configuration = true
    cfg.capabilities = caps
  end
  return cfg
end

local function start_for_buffer(bufnr)
  local dir = root.for_buffer(bufnr, config.options.root_markers)
  if dir == nil then
    return
  end
  local cfg = M.lsp_config()
  cfg.root_dir = dir
  cfg.cmd_cwd = dir
  if compat.api() == 'start_client' then
    local id = by_root[dir]
    if id == nil or vim.lsp.get_client_by_id(id) == nil then
      id = vim.lsp.start_client(cfg)
      by_root[dir] = id
    end
    if id ~= nil then
      vim.lsp.buf_attach_client(bufnr, id)
    end
  else
    vim.api.nvim_buf_call(bufnr, function()
      vim.lsp.start(cfg, { bufnr = bufnr })
    end)
  end
end

local function has_filetype(bufnr, filetypes)
  local ft = vim.bo[bufnr].filetype
  for _, f in ipairs(filetypes) do
    if f == ft then
      return true
    end
  end
  return false
end

-- setup configures crossls and, unless autostart is false, starts it for
-- Go buffers: one client per workspace root. Calling it again updates the
-- settings of running clients.
function M.setup(opts)
  local o = config.normalize(opts)
  config.options = o
  M.push_settings()

  local group = vim.api.nvim_create_augroup('crossls', { clear = true })
  if compat.api() == 'config' then
    vim.lsp.config('crossls', M.lsp_config())
    if o.autostart then
      vim.lsp.enable('crossls')
    end
    return
  end
  if not o.autostart then
    return
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = o.filetypes,
    callback = function(ev)
      start_for_buffer(ev.buf)
    end,
    desc = 'Start crossls for Go buffers',
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and has_filetype(bufnr, o.filetypes) then
      start_for_buffer(bufnr)
    end
  end
end

-- push_settings gives running clients the settings of the options in
-- force; the servers apply them at once.
function M.push_settings()
  for _, client in ipairs(compat.clients('crossls')) do
    local settings = config.settings(config.options)
    client.config.settings = settings
    -- 0.11+ answers workspace/configuration from client.settings.
    client.settings = settings
    compat.notify(client, 'workspace/didChangeConfiguration', { settings = settings })
  end
end

-- set_targets makes targets (a list; empty: the project's configuration)
-- the targets of every running server and of those started later.
function M.set_targets(targets)
  config.options = config.normalize(vim.tbl_extend('force', M.user_options(), { targets = targets }))
  M.push_settings()
  if #targets > 0 then
    vim.notify('crossls: targets ' .. table.concat(targets, ', '), vim.log.levels.INFO, { title = 'crossls' })
  else
    vim.notify("crossls: targets from the project's configuration", vim.log.levels.INFO, { title = 'crossls' })
  end
end

-- user_options returns the options in force as setup() takes them.
function M.user_options()
  local o = vim.deepcopy(config.options)
  return o
end

-- client returns the crossls client of buffer bufnr (default: current); if
-- the buffer has none, the only running crossls client, or the one whose
-- root holds the working directory.
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local attached = compat.clients('crossls', bufnr)
  if #attached > 0 then
    return attached[1]
  end
  local all = compat.clients('crossls')
  if #all == 1 then
    return all[1]
  end
  local cwd = compat.uv.fs_realpath(vim.fn.getcwd()) or vim.fn.getcwd()
  for _, c in ipairs(all) do
    local dir = c.config.root_dir
    if type(dir) == 'string' and (cwd == dir or cwd:sub(1, #dir + 1) == dir .. '/') then
      return c
    end
  end
  if #all == 0 then
    return nil, 'crossls is not running: open a Go file in a module'
  end
  return nil, 'several crossls clients are running: run the command from a buffer of the module'
end

local function report_error(msg)
  vim.notify('crossls: ' .. msg, vim.log.levels.ERROR, { title = 'crossls' })
end

-- execute runs a server command (workspace/executeCommand) and passes its
-- result to on_result; errors are reported with vim.notify.
function M.execute(command, arguments, on_result, bufnr)
  local client, err = M.client(bufnr)
  if client == nil then
    report_error(err)
    return false
  end
  compat.request(client, 'workspace/executeCommand', { command = command, arguments = arguments }, function(e, result)
    if e ~= nil then
      report_error(command .. ': ' .. (e.message or vim.inspect(e)))
      return
    end
    if on_result ~= nil then
      on_result(result, client)
    end
  end, bufnr)
  return true
end

local function on_started(result)
  if type(result) == 'table' and result.started == false then
    report_error('build not started' .. (result.reason and (': ' .. result.reason) or ''))
  end
end

-- file_uri returns the URI of buffer bufnr (default: current) if it is a
-- file on disk: a build asked from it builds its module.
local function file_uri(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(bufnr)
  if vim.bo[bufnr].buftype ~= '' or name == '' or name:match('^%a[%w+.-]*://') then
    return nil
  end
  return vim.uri_from_fname(compat.uv.fs_realpath(name) or name)
end

-- build builds the given targets (default: all configured) and packages
-- (default: the server's choice) of the buffer's module; progress and the
-- summary are notified.
function M.build(targets, packages, bufnr)
  local arg = { uri = file_uri(bufnr) }
  if targets ~= nil and #targets > 0 then
    arg.targets = targets
  end
  if packages ~= nil and #packages > 0 then
    arg.packages = packages
  end
  if next(arg) == nil then
    return M.execute('crossls.build', nil, on_started, bufnr)
  end
  return M.execute('crossls.build', { arg }, on_started, bufnr)
end

-- build_all builds every target of the buffer's module.
function M.build_all(bufnr)
  local uri = file_uri(bufnr)
  return M.execute('crossls.buildAll', uri and { { uri = uri } } or nil, on_started, bufnr)
end

function M.cancel(bufnr)
  return M.execute('crossls.cancelBuild', nil, function(result)
    if type(result) == 'table' and result.cancelled == false then
      vim.notify('crossls: no build is running', vim.log.levels.INFO, { title = 'crossls' })
    end
  end, bufnr)
end

function M.recheck(bufnr)
  return M.execute('crossls.recheck', nil, nil, bufnr)
end

-- Last crossls.listTargets answer per client id.
local listed = {}

-- list_targets asks the server for the configured targets and where they
-- come from: on_result gets a list of {target, source, file}.
function M.list_targets(on_result, bufnr)
  return M.execute('crossls.listTargets', nil, function(result, client)
    local list = type(result) == 'table' and result.targets or {}
    listed[client.id] = list
    on_result(list)
  end, bufnr)
end

-- status returns the last crossls/status notification of the buffer's
-- client: {targets, failing, build = {state, built, total, outputs}}.
function M.status(bufnr)
  local client = M.client(bufnr)
  return client and handlers.statuses[client.id] or nil
end

-- targets returns the configured targets as far as known without waiting
-- for the server: from its last status, its last target list, or setup().
function M.targets(bufnr)
  local client = M.client(bufnr)
  if client ~= nil then
    local st = handlers.statuses[client.id]
    if st and type(st.targets) == 'table' and #st.targets > 0 then
      return vim.deepcopy(st.targets)
    end
    if listed[client.id] and #listed[client.id] > 0 then
      local out = {}
      for _, t in ipairs(listed[client.id]) do
        out[#out + 1] = t.target
      end
      return out
    end
  end
  return vim.deepcopy(config.options.targets)
end

-- statusline returns a short summary for a statusline: "crossls: 1/4
-- failing", "crossls: building 2/3", or "" when crossls is not attached.
function M.statusline(bufnr)
  local st = M.status(bufnr)
  if st == nil then
    return ''
  end
  local b = st.build
  if type(b) == 'table' and b.state == 'running' then
    return string.format('crossls: building %d/%d', b.built or 0, b.total or 0)
  end
  local failing = type(st.failing) == 'table' and #st.failing or 0
  local total = type(st.targets) == 'table' and #st.targets or 0
  if failing == 0 then
    return string.format('crossls: %d ok', total)
  end
  return string.format('crossls: %d/%d failing', failing, total)
end

return M
