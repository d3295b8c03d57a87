-- Client-side handlers of the crossls client: build progress and results
-- shown with vim.notify, and the server's crossls/status notification.
local compat = require('crossls.compat')
local config = require('crossls.config')

local M = {}

-- Last crossls/status params per client id.
M.statuses = {}

-- Build progress tokens per client id: token -> title.
local builds = {}

-- The last build summary shown per client id, so that the same text
-- arriving both as the end of $/progress and as window/showMessage is shown
-- once.
local last_summary = {}

local function notify(msg, level, always)
  if always or config.options.notify then
    vim.notify(msg, level or vim.log.levels.INFO, { title = 'crossls' })
  end
end

local function show_summary(client_id, msg, level, always)
  -- The two copies may differ in a "crossls: " prefix.
  local key = msg:gsub('^crossls: ', '')
  if last_summary[client_id] == key then
    last_summary[client_id] = nil
    return
  end
  last_summary[client_id] = key
  notify(msg, level, always)
end

-- on_progress notifies about build progress; other progress (checks) is
-- left to statusline plugins.
function M.on_progress(client_id, params)
  local value = params and params.value
  if type(value) ~= 'table' then
    return
  end
  local tokens = builds[client_id] or {}
  builds[client_id] = tokens
  local token = params.token
  if value.kind == 'begin' then
    if type(value.title) == 'string' and value.title:find('build', 1, true) then
      tokens[token] = value.title
      notify(value.title)
    end
  elseif tokens[token] ~= nil then
    if value.kind == 'report' and value.message then
      notify(value.message)
    elseif value.kind == 'end' then
      tokens[token] = nil
      if value.message then
        show_summary(client_id, value.message)
      end
    end
  end
end

local function progress(err, result, ctx, cfg)
  -- Keep Neovim's own handling: it feeds client progress and fires
  -- LspProgressUpdate (0.7-0.9) / LspProgress (0.10+) for statuslines.
  local default = vim.lsp.handlers['$/progress']
  if default ~= nil then
    default(err, result, ctx, cfg)
  end
  M.on_progress(ctx.client_id, result)
end

local levels = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO, vim.log.levels.DEBUG }

local function show_message(_, result, ctx)
  if result and result.message then
    show_summary(ctx.client_id, result.message, levels[result.type] or vim.log.levels.INFO, true)
  end
  return vim.NIL
end

local function status(_, result, ctx)
  if type(result) == 'table' then
    M.statuses[ctx.client_id] = result
    compat.user_event('CrosslsStatus', { client_id = ctx.client_id, status = result })
  end
  return vim.NIL
end

local function matrix_changed(_, result, ctx)
  if type(result) == 'table' then
    require('crossls.matrix').changed(ctx.client_id, result)
    compat.user_event('CrosslsMatrix', { client_id = ctx.client_id, version = result.version })
  end
  return vim.NIL
end

-- for_client returns the handlers table of a crossls client config.
function M.for_client()
  return {
    ['$/progress'] = progress,
    ['window/showMessage'] = show_message,
    ['crossls/status'] = status,
    ['crossls/matrixChanged'] = matrix_changed,
  }
end

-- forget drops what was recorded for a client that exited.
function M.forget(client_id)
  M.statuses[client_id] = nil
  require('crossls.matrix').latest[client_id] = nil
  builds[client_id] = nil
  last_summary[client_id] = nil
end

return M
