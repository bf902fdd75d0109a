using System.Collections.Concurrent;
using System.Diagnostics;

namespace TatamiTech.Bench.Infrastructure;

/// <summary>
/// A service (the API, the baseline, the Worker) run from its Release build as its own process, pinned
/// to core 0, on a loopback port; its output kept for when it fails.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static async Task<ServiceProcess> StartAsync(
        string project,
        IReadOnlyDictionary<string, string> environment,
        string readyPath = "/alive")
    {
        var dll = Repository.ServiceDll(project);
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException(
                $"{dll} is missing: run the bench with 'dotnet run -c Release --project bench/TatamiTech.Bench'.");
        }

        var port = Shell.FreePort();
        var (file, args) = Shell.Pinned("0", "dotnet", dll);
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {project}.");
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{project} exited with {process.ExitCode}:\n{service.Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(service.Address, readyPath));
                if (response.IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        await service.DisposeAsync();
        throw new InvalidOperationException($"{project} was not ready within 2 minutes:\n{service.Output}");
    }

    public string Output => string.Join('\n', _output);

    public (long PeakKb, long CurrentKb) Memory() => Shell.Memory(_process.Id);

    /// <summary>SIGKILL: no shutdown, no cleanup, as when a container is killed.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await Shell.SignalAsync(_process.Id, "TERM");
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
    }
}
