using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// Requests without an academy's token are charged to the address they come from: an IPv4 address, an IPv6
/// /64, and the address a known proxy forwards, never one a client merely claims.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AddressBudgetShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task RefuseAnAddressPastItsLimitWhileAnotherAddressIsServed()
    {
        await using var api = LimitedApi.Create(Stack, address: (1, 3));
        using var client = api.CreateClient();

        var first = await StatusesAsync(client, "198.51.100.7", 6);
        var second = await StatusesAsync(client, "198.51.100.8", 3);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], first[..3]);
        Assert.Contains(HttpStatusCode.TooManyRequests, first[3..]);
        Assert.All(second, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
    }

    [Fact]
    public async Task ChargeOneIPv6NetworkOfSixtyFourBitsAsOneAddress()
    {
        await using var api = LimitedApi.Create(Stack, address: (1, 3));
        using var client = api.CreateClient();

        var sameNetwork = new List<HttpStatusCode>();
        for (var i = 1; i <= 6; i++)
        {
            sameNetwork.AddRange(await StatusesAsync(client, $"2001:db8:1:2::{i:x}", 1));
        }

        var nextNetwork = await StatusesAsync(client, "2001:db8:1:3::1", 1);

        Assert.Contains(HttpStatusCode.TooManyRequests, sameNetwork);
        Assert.Equal([HttpStatusCode.Unauthorized], nextNetwork);
    }

    [Fact]
    public async Task IgnoreForwardedAddressesUnlessTheProxyIsKnown()
    {
        await using var api = LimitedApi.Create(Stack, address: (1, 3));
        using var client = api.CreateClient();

        // Every request claims another client; none is believed, so all are the one caller's.
        var statuses = await StatusesAsync(client, LimitedApi.DefaultCaller, 6, forwardedFor: i => $"192.0.2.{i}");

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task ChargeTheForwardedAddressWhenTheProxyIsKnown()
    {
        await using var api = LimitedApi.Create(Stack, address: (1, 3), settings: new Dictionary<string, string>
        {
            ["ForwardedHeaders:KnownProxies:0"] = LimitedApi.DefaultCaller,
        });
        using var client = api.CreateClient();

        var spread = await StatusesAsync(client, LimitedApi.DefaultCaller, 6, forwardedFor: i => $"192.0.2.{i}");
        var oneClient = await StatusesAsync(client, LimitedApi.DefaultCaller, 6, forwardedFor: _ => "192.0.2.200");

        Assert.All(spread, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Contains(HttpStatusCode.TooManyRequests, oneClient);
    }

    /// <summary>
    /// Behind two known proxies the API still reads one hop (ForwardLimit 1): the address the last proxy saw,
    /// here the other proxy, is charged, not the client the first one names.
    /// </summary>
    [Fact]
    public async Task ChargeOnlyTheLastForwardedHop()
    {
        const string innerProxy = "203.0.113.9";
        await using var api = LimitedApi.Create(Stack, address: (1, 3), settings: new Dictionary<string, string>
        {
            ["ForwardedHeaders:KnownProxies:0"] = LimitedApi.DefaultCaller,
            ["ForwardedHeaders:KnownProxies:1"] = innerProxy,
        });
        using var client = api.CreateClient();

        var statuses = await StatusesAsync(client, LimitedApi.DefaultCaller, 6, forwardedFor: i => $"192.0.2.{i}, {innerProxy}");

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task RefuseAnAddressThatMintsTooManyDevelopmentTokens()
    {
        await using var api = LimitedApi.Create(Stack, address: (1, 3));
        using var client = api.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.SendAsync(Alpha.Host, HttpMethod.Post, "/dev/tokens", body: new { subject = "x" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    /// <summary>Six callers from one address, or one caller from each of six: the refusals of the budget that ran out.</summary>
    [Theory]
    [InlineData("address_rate_limited", "strangers_rate_limited")]
    [InlineData("strangers_rate_limited", "address_rate_limited")]
    public async Task CountEachRefusalUnderTheBudgetThatRanOut(string reason, string otherReason)
    {
        var fromOneAddress = reason == "address_rate_limited";
        await using var api = fromOneAddress
            ? LimitedApi.Create(Stack, address: (1, 3))
            : LimitedApi.Create(Stack, strangers: (1, 3));
        using var client = api.CreateClient();
        using var rejections = new RejectionCounter();

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 6; i++)
        {
            statuses.AddRange(await StatusesAsync(client, fromOneAddress ? LimitedApi.DefaultCaller : $"198.51.100.{i}", 1));
        }

        var refused = statuses.Count(status => status == HttpStatusCode.TooManyRequests);
        Assert.True(refused > 0, $"Nothing was refused: {string.Join(", ", statuses)}.");
        Assert.Equal(refused, rejections.Count(reason));
        Assert.Equal(0, rejections.Count(otherReason));
    }

    private async Task<HttpStatusCode[]> StatusesAsync(HttpClient client, string peer, int count, Func<int, string>? forwardedFor = null)
    {
        var statuses = new HttpStatusCode[count];
        for (var i = 0; i < count; i++)
        {
            using var request = LimitedApi.From(peer, ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students"));
            if (forwardedFor is not null)
            {
                request.Headers.Add("X-Forwarded-For", forwardedFor(i + 1));
            }

            using var response = await client.SendAsync(request);
            statuses[i] = response.StatusCode;
        }

        return statuses;
    }
}
