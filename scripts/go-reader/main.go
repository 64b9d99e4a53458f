// go-reader reads every parameter under a path the way chamber (segmentio/chamber) reads a service:
// GetParametersByPath, recursive, decrypted, ten a page, one page after another. The benchmark runs
// it against the same moto as ssm-backup to compare fixed costs on small sets: chamber itself is not
// served by the module proxy this project can reach.
//
//	go-reader -endpoint http://127.0.0.1:PORT -region us-west-2 -path /svc/dev/
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

func main() {
	endpoint := flag.String("endpoint", "", "SSM endpoint (moto)")
	region := flag.String("region", "us-west-2", "region")
	path := flag.String("path", "/", "parameter path")
	flag.Parse()

	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(*region))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	client := ssm.NewFromConfig(cfg, func(o *ssm.Options) {
		if *endpoint != "" {
			o.BaseEndpoint = aws.String(*endpoint)
		}
	})
	pages := ssm.NewGetParametersByPathPaginator(client, &ssm.GetParametersByPathInput{
		Path:           path,
		Recursive:      aws.Bool(true),
		WithDecryption: aws.Bool(true),
		MaxResults:     aws.Int32(10),
	})
	count, calls := 0, 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		calls++
		count += len(page.Parameters)
	}
	// Counts only: never a value.
	fmt.Printf("{\"parameters\":%d,\"calls\":%d}\n", count, calls)
}
