// go-reader reads every parameter under a path the way chamber (segmentio/chamber) reads a service,
// one call after another, with the AWS SDK for Go v2. The benchmark runs it against the same moto as
// ssm-backup to compare fixed costs on small sets: chamber itself is not served by the module proxy
// this project can reach. Two of chamber's read paths:
//
//   - values (chamber export, env, exec): GetParametersByPath, recursive, decrypted, ten a page.
//   - metadata (chamber list -e): DescribeParameters under the path, fifty a page asked for, then
//     GetParameters, decrypted, ten names a call. A backup needs this one: the listing carries the
//     description, tier, key and policies that GetParametersByPath does not return.
//
//	go-reader -endpoint http://127.0.0.1:PORT -region us-west-2 -path /svc/dev/ [-mode metadata]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func main() {
	endpoint := flag.String("endpoint", "", "SSM endpoint (moto)")
	region := flag.String("region", "us-west-2", "region")
	path := flag.String("path", "/", "parameter path")
	mode := flag.String("mode", "values", "values (GetParametersByPath) or metadata (DescribeParameters, GetParameters)")
	flag.Parse()

	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(*region))
	if err != nil {
		fail(err)
	}
	client := ssm.NewFromConfig(cfg, func(o *ssm.Options) {
		if *endpoint != "" {
			o.BaseEndpoint = aws.String(*endpoint)
		}
	})
	var count, calls int
	switch *mode {
	case "values":
		count, calls, err = readValues(ctx, client, *path)
	case "metadata":
		count, calls, err = readWithMetadata(ctx, client, *path)
	default:
		err = fmt.Errorf("unknown -mode %q", *mode)
	}
	if err != nil {
		fail(err)
	}
	// Counts only: never a value.
	fmt.Printf("{\"parameters\":%d,\"calls\":%d}\n", count, calls)
}

func readValues(ctx context.Context, client *ssm.Client, path string) (count, calls int, err error) {
	pages := ssm.NewGetParametersByPathPaginator(client, &ssm.GetParametersByPathInput{
		Path:           aws.String(path),
		Recursive:      aws.Bool(true),
		WithDecryption: aws.Bool(true),
		MaxResults:     aws.Int32(10),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return 0, 0, err
		}
		calls++
		count += len(page.Parameters)
	}
	return count, calls, nil
}

func readWithMetadata(ctx context.Context, client *ssm.Client, path string) (count, calls int, err error) {
	var names []string
	pages := ssm.NewDescribeParametersPaginator(client, &ssm.DescribeParametersInput{
		ParameterFilters: []types.ParameterStringFilter{
			{Key: aws.String("Path"), Option: aws.String("Recursive"), Values: []string{path}},
		},
		MaxResults: aws.Int32(50),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return 0, 0, err
		}
		calls++
		for _, meta := range page.Parameters {
			names = append(names, aws.ToString(meta.Name))
		}
	}
	for start := 0; start < len(names); start += 10 {
		batch := names[start:min(start+10, len(names))]
		out, err := client.GetParameters(ctx, &ssm.GetParametersInput{Names: batch, WithDecryption: aws.Bool(true)})
		if err != nil {
			return 0, 0, err
		}
		calls++
		count += len(out.Parameters)
	}
	return count, calls, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(2)
}
