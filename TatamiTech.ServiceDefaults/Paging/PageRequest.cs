namespace TatamiTech.ServiceDefaults.Paging;

/// <summary>
/// A page of a list, as every list endpoint of every service takes it (<c>page</c>, <c>pageSize</c>), checked
/// in one place. The page number is bounded so that its offset always fits the query: an unbounded page times
/// its size overflowed into a negative offset that the database refused (a 500). Past the last row a valid
/// page is simply empty.
/// </summary>
public readonly record struct PageRequest
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    /// <summary>Far beyond any list's length, and small enough that <see cref="Offset"/> cannot overflow.</summary>
    public const int MaxNumber = 100_000;

    private PageRequest(int number, int size) => (Number, Size) = (number, size);

    public int Number { get; }

    public int Size { get; }

    /// <summary>The rows before this page: at most (<see cref="MaxNumber"/> - 1) x <see cref="MaxSize"/>.</summary>
    public int Offset => (Number - 1) * Size;

    /// <summary>
    /// The page the query names (absent values take the defaults), or false with the broken rules added to
    /// <paramref name="errors"/> under the parameters' names, for a validation problem.
    /// </summary>
    public static bool TryCreate(int? page, int? pageSize, IDictionary<string, string[]> errors, out PageRequest request)
    {
        var number = page ?? 1;
        var size = pageSize ?? DefaultSize;
        if (number is < 1 or > MaxNumber)
        {
            errors["page"] = [$"Must be between 1 and {MaxNumber}."];
        }

        if (size is < 1 or > MaxSize)
        {
            errors["pageSize"] = [$"Must be between 1 and {MaxSize}."];
        }

        request = new PageRequest(number, size);
        return !errors.ContainsKey("page") && !errors.ContainsKey("pageSize");
    }
}
