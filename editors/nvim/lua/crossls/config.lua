-- Options of the crossls plugin: defaults, validation, and their translation
-- into the server's "crossls" settings section (pulled by the server with
-- workspace/configuration).
local M = {}

M.analyzer_names = { 'cgo', 'buildgap', 'taghygiene', 'format' }

M.defaults = {
  -- The language server command; `crossls serve` speaks LSP on stdio.
  cmd = { 'crossls', 'serve' },
  filetypes = { 'go', 'gomod', 'gowork' },
  -- Root markers in priority order: the nearest go.work wins over a nearer
  -- go.mod, so a workspace gets one client, not one per module.
  root_markers = { 'go.work', 'go.mod', '.crossls.yaml', '.git' },
  -- Targets to check and build; empty means the project's .crossls.yaml,
  -- .goreleaser.yaml or the server's defaults.
  targets = {},
  analyzers = { cgo = true, buildgap = true, taghygiene = true, format = true },
  -- Check test files (_test.go) for every target too, as go vet does.
  tests = true,
  build = { output_dir = 'dist', jobs = 0 },
  -- Show build progress and results with vim.notify.
  notify = true,
  -- Start the server for matching buffers automatically.
  autostart = true,
  -- Trust the projects you open: checks of cgo targets may then run the C
  -- compiler (and C tools) that a project's .crossls.yaml configures.
  -- Without it those targets' cgo packages are reported unchecked.
  trusted = false,
  -- Show a code lens at the top of a file that some targets leave out,
  -- where this Neovim shows code lenses.
  codelens = true,
}

local function is_list_of_strings(v)
  if type(v) ~= 'table' then
    return false
  end
  for k, s in pairs(v) do
    if type(k) ~= 'number' or type(s) ~= 'string' or s == '' then
      return false
    end
  end
  return true
end

local function known(name, list)
  for _, n in ipairs(list) do
    if n == name then
      return true
    end
  end
  return false
end

-- split_targets accepts "linux/amd64, windows/amd64" as well as a list.
function M.split_targets(v)
  if type(v) == 'string' then
    local out = {}
    for word in v:gmatch('[^,%s]+') do
      out[#out + 1] = word
    end
    return out
  end
  return v
end

-- normalize merges opts over the defaults and checks every field, raising an
-- error that names the offending option.
function M.normalize(opts)
  if opts == nil then
    opts = {}
  end
  if type(opts) ~= 'table' then
    error('crossls: setup() expects a table of options, got ' .. type(opts), 0)
  end
  for key in pairs(opts) do
    if M.defaults[key] == nil then
      error(string.format('crossls: unknown option %q', tostring(key)), 0)
    end
  end

  local o = vim.deepcopy(M.defaults)
  if opts.cmd ~= nil then
    if type(opts.cmd) == 'string' then
      o.cmd = { opts.cmd, 'serve' }
    elseif is_list_of_strings(opts.cmd) and #opts.cmd > 0 then
      o.cmd = vim.deepcopy(opts.cmd)
    else
      error('crossls: option "cmd" must be a program name or a non-empty list of strings', 0)
    end
  end
  for _, key in ipairs({ 'filetypes', 'root_markers' }) do
    if opts[key] ~= nil then
      if not is_list_of_strings(opts[key]) then
        error(string.format('crossls: option %q must be a list of strings', key), 0)
      end
      o[key] = vim.deepcopy(opts[key])
    end
  end
  if opts.targets ~= nil then
    local t = M.split_targets(opts.targets)
    if not is_list_of_strings(t) then
      error('crossls: option "targets" must be a list of target strings such as "linux/arm64"', 0)
    end
    for _, s in ipairs(t) do
      if s:find('%s') then
        error(string.format('crossls: target %q contains white space', s), 0)
      end
    end
    o.targets = t
  end
  if opts.analyzers ~= nil then
    if type(opts.analyzers) ~= 'table' then
      error('crossls: option "analyzers" must be a table such as { cgo = false }', 0)
    end
    for name, on in pairs(opts.analyzers) do
      if not known(name, M.analyzer_names) then
        error(
          string.format(
            'crossls: unknown analyzer %q (known: %s)',
            tostring(name),
            table.concat(M.analyzer_names, ', ')
          ),
          0
        )
      end
      if type(on) ~= 'boolean' then
        error(string.format('crossls: analyzers.%s must be true or false', name), 0)
      end
      o.analyzers[name] = on
    end
  end
  if opts.build ~= nil then
    if type(opts.build) ~= 'table' then
      error('crossls: option "build" must be a table such as { output_dir = "dist" }', 0)
    end
    for key, v in pairs(opts.build) do
      if key == 'output_dir' then
        if type(v) ~= 'string' or v == '' then
          error('crossls: build.output_dir must be a non-empty string', 0)
        end
      elseif key == 'jobs' then
        if type(v) ~= 'number' or v < 0 or v ~= math.floor(v) then
          error('crossls: build.jobs must be a whole number >= 0 (0 = one per CPU)', 0)
        end
      else
        error(string.format('crossls: unknown option build.%s', tostring(key)), 0)
      end
      o.build[key] = v
    end
  end
  for _, key in ipairs({ 'tests', 'notify', 'autostart', 'trusted', 'codelens' }) do
    if opts[key] ~= nil then
      if type(opts[key]) ~= 'boolean' then
        error(string.format('crossls: option %q must be true or false', key), 0)
      end
      o[key] = opts[key]
    end
  end
  return o
end

-- settings returns the LSP settings object for normalized options o. The
-- server reads the "crossls" section; an empty target list is left out so
-- the project's own configuration applies.
function M.settings(o)
  local s = {
    analyzers = vim.deepcopy(o.analyzers),
    tests = o.tests,
    build = { outputDir = o.build.output_dir, jobs = o.build.jobs },
  }
  if #o.targets > 0 then
    s.targets = vim.deepcopy(o.targets)
  end
  return { crossls = s }
end

-- The options in force: those of the last setup() call, else the defaults.
M.options = vim.deepcopy(M.defaults)

return M
